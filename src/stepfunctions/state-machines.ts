/**
 * Step Functions: logging to a group subscribed to the forwarder, permissions for log delivery,
 * tags, and trace context in Lambda and nested-execution steps.
 */
import { getAtt, isIntrinsic, type ConditionSpace, isObject, own, ref, referencedLogicalId, sameJson, sub, templateString, type Json, type JsonObject } from "../intrinsics";
import { literal, type Config } from "../config/parameters";
import { declaredGroupTarget, located, warnUnsubscribed, type TargetOutcome, subscribe, readLogGroupArn, canonicalName, type TemplateLogs } from "../forwarder";
import type { LogFacts } from "../lookup/gather";
import type { InstrumentContext } from "../instrument/context";
import { roleFor, type Grants, type Statement } from "../instrument/permissions";
import { addTags, forwarderTags, MAX_TAGS, tagsAfterUnder, withOwnTags, type TagList } from "../instrument/tags";
import { FUNCTION_TYPES, LOG_GROUP, SAM_STATE_MACHINE_TAG, type StateMachineModel } from "../model";
import { SFN_DEFINITION_ELSEWHERE, SFN_DEFINITION_UNREADABLE, SFN_LOGGING_INTRINSIC, SFN_LOGGING_LEVEL, SFN_STATE_NOT_MERGED, SFN_JSONATA_STATE_NOT_MERGED, SFN_JSONATA_OLD_LAYERS, NOT_A_LOG_GROUP, TOO_MANY_TAGS, VALUE_NEEDED, type Report } from "../rules";
import { readDefinition } from "./definition";
import { JSONATA_CONTEXT_MIN_LAYER_VERSIONS } from "../layer-versions";
import { injectTraceContext } from "./trace-context";

/** Property names differ between CloudFormation and SAM state machines. */
const SHAPES = {
  cfn: { logging: "LoggingConfiguration", role: "RoleArn", tags: "list" },
  sam: { logging: "Logging", role: "Role", tags: "map" },
} as const;

export const LOG_DELIVERY: Statement = {
  Sid: "DatadogStepFunctionsLogDelivery",
  Effect: "Allow",
  Action: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  Resource: "*",
};

/** Step Functions log groups the macro creates keep a week of logs (the forwarder ships them). */
export const STATE_MACHINE_LOG_RETENTION_DAYS = 7;

function destinationArn(logging: unknown): unknown {
  const destinations = own(logging, "Destinations");
  const first = Array.isArray(destinations) ? destinations[0] : undefined;
  return own(own(first, "CloudWatchLogsLogGroup"), "LogGroupArn");
}

export function defaultLogGroupName(machine: StateMachineModel, env: string | undefined): string {
  return `/aws/vendedlogs/states/${machine.logicalId}-Logs${env ? `-${env}` : ""}`;
}

/** The log group the machine logs to (the user's destination), or the one the macro will give it. */
export function stateMachineLogTarget(machine: StateMachineModel, ctx: InstrumentContext, logs: TemplateLogs, destination: string, report: Report): TargetOutcome {
  const base = { ownerId: machine.logicalId, destination, retentionInDays: ctx.config.logRetentionInDays ?? STATE_MACHINE_LOG_RETENTION_DAYS, mayDeclare: true };
  const logging = machine.properties[SHAPES[machine.kind].logging];
  if (isIntrinsic(logging)) return { unresolved: "its logging configuration" };
  const arn = destinationArn(logging);
  if (arn === undefined) {
    if (ctx.config.env !== undefined && literal(ctx.config.env) === undefined) {
      report.error(VALUE_NEEDED, { name: "env", use: `to name the log group of state machine ${machine.logicalId} (/aws/vendedlogs/states/<id>-Logs-<env>)` });
    }
    const name = defaultLogGroupName(machine, literal(ctx.config.env));
    return located(base, name, name, logs, { name });
  }
  const declared = declaredGroupTarget(base, referencedLogicalId(arn, "Arn"), ctx.resources, logs);
  if (declared) return declared;
  const text = templateString(arn, logs.context);
  const read = text === undefined ? undefined : readLogGroupArn(text, { region: ctx.region, accountId: ctx.template.pseudoParameters?.["AWS::AccountId"] });
  if (read === undefined) return { unresolved: "its log destination" };
  if ("elsewhere" in read) {
    report.warn(NOT_A_LOG_GROUP, { resource: machine.logicalId, what: "its log destination", why: read.elsewhere });
    return { elsewhere: true };
  }
  const name = canonicalName(read.name, logs);
  // A name the template declares is found however it is written (`${AWS::StackName}`, a function's name).
  if (name.includes("${")) return logs.groupByName.has(name) ? located(base, name, name, logs, undefined) : { unresolved: "its log destination" };
  return located(base, name, name, logs, { name });
}

/** The tags each instrumented state machine gets: the unified service tags and `tags`, the macro's version, and trace merging. */
export function stateMachineTags(config: Config, macroVersion: string): TagList {
  return withOwnTags(forwarderTags(config), [
    ["dd_sls_macro", `v${macroVersion}`],
    ["DD_TRACE_ENABLED", "true"],
  ]);
}

/** An error when the macro's tags would take the machine past Step Functions' limit (SAM's own tag counted, for a machine SAM will make). */
export function checkStateMachineTags(machine: StateMachineModel, tags: TagList, conditions: ConditionSpace, report: Report): void {
  const after = tagsAfterUnder(conditions, machine.properties.Tags, SHAPES[machine.kind].tags, tags, new Set(), machine.kind === "sam" ? [SAM_STATE_MACHINE_TAG] : []);
  if (after !== undefined && after.added.length > 0 && after.count > MAX_TAGS) report.error(TOO_MANY_TAGS, { resource: machine.logicalId, service: "Step Functions", count: after.count, limit: MAX_TAGS, added: after.added });
}

export interface MachineSetup {
  tags: TagList;
  grants: Grants;
}

export function instrumentStateMachine(machine: StateMachineModel, ctx: InstrumentContext, logs: TemplateLogs, facts: LogFacts, target: TargetOutcome, setup: MachineSetup): void {
  if ("target" in target) {
    const { declaredGroupId } = subscribe(target.target, facts, logs, ctx.draft, ctx.warnings);
    configureLogging(machine, ctx, target.target.name, declaredGroupId, setup.grants);
  } else if ("unresolved" in target && target.unresolved === "its logging configuration") {
    ctx.warnings.warn(SFN_LOGGING_INTRINSIC, { resource: machine.logicalId });
  } else {
    warnUnsubscribed(machine.logicalId, target, ctx.warnings);
  }
  const shape = SHAPES[machine.kind];
  addTags(machine.logicalId, () => ctx.draft.properties(machine.logicalId), machine.properties.Tags, shape.tags, setup.tags, ctx.warnings);
  mergeTraces(machine, ctx);
}

/** Gives a machine without a destination full logging to its group, and its role the log-delivery permissions. */
function configureLogging(machine: StateMachineModel, ctx: InstrumentContext, groupName: Json, declaredGroupId: string | undefined, grants: Grants): void {
  const shape = SHAPES[machine.kind];
  const current = machine.properties[shape.logging];
  const logging = isObject(current) ? current : {};
  if (destinationArn(logging) !== undefined) {
    if (logging.Level !== "ALL" || logging.IncludeExecutionData !== true) ctx.warnings.warn(SFN_LOGGING_LEVEL, { resource: machine.logicalId });
    // The logging an earlier run of the macro wrote gets the same grant again, so a second run reports
    // what the first did; a destination of the user's is theirs to permit.
    if (isOwnLogging(machine, logging, ctx)) grants.grant({ logicalId: machine.logicalId, role: machine.properties[shape.role], sam: machine.kind === "sam" }, LOG_DELIVERY);
    return;
  }
  const logGroupArn: Json = declaredGroupId !== undefined ? getAtt(declaredGroupId, "Arn") : groupArnByName(groupName);
  const props = ctx.draft.properties(machine.logicalId);
  props[shape.logging] = { Level: "ALL", IncludeExecutionData: true, ...logging, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn } }] };
  const role = machine.properties[shape.role];
  if (role === undefined && machine.kind === "cfn") {
    const roleId = ctx.draft.add({ owner: machine.logicalId, suffix: "Role", resource: roleFor("states.amazonaws.com", LOG_DELIVERY) });
    props.RoleArn = getAtt(roleId, "Arn");
    return;
  }
  grants.grant({ logicalId: machine.logicalId, role, sam: machine.kind === "sam" }, LOG_DELIVERY);
}

/** The ARN of a group known by name, as the macro writes it into a logging configuration. */
function groupArnByName(groupName: Json): Json {
  return typeof groupName === "string"
    ? sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${groupName}:*`)
    : sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}:*", { Name: groupName });
}

/**
 * The logging configuration the macro writes: full logging to the group of the default name, either the
 * retained group it declares or (a redeploy, the group exists) that group by ARN.
 */
function isOwnLogging(machine: StateMachineModel, logging: JsonObject, ctx: InstrumentContext): boolean {
  if (logging.Level !== "ALL" || logging.IncludeExecutionData !== true) return false;
  const defaultName = defaultLogGroupName(machine, literal(ctx.config.env));
  const arn = destinationArn(logging);
  if (sameJson(arn, groupArnByName(defaultName))) return true;
  const groupId = referencedLogicalId(arn, "Arn");
  const group = groupId === undefined ? undefined : ctx.draft.get(groupId);
  return isObject(group) && group.Type === LOG_GROUP && group.DeletionPolicy === "Retain" && own(group.Properties, "LogGroupName") === defaultName;
}

function mergeTraces(machine: StateMachineModel, ctx: InstrumentContext): void {
  const propagate = ctx.config.propagateUpstreamTrace ?? ctx.config.mergeStepFunctionAndLambdaTraces;
  const into = { lambda: ctx.config.mergeStepFunctionAndLambdaTraces, nested: propagate, upstream: propagate };
  if (!into.lambda && !into.nested) return;
  const props = machine.properties;
  const key = props.Definition !== undefined ? "Definition" : props.DefinitionString !== undefined ? "DefinitionString" : undefined;
  if (key === undefined) {
    ctx.warnings.warn(SFN_DEFINITION_ELSEWHERE, { resource: machine.logicalId });
    return;
  }
  const read = readDefinition(props[key]);
  if (typeof read === "string") {
    ctx.warnings.warn(SFN_DEFINITION_UNREADABLE, { resource: machine.logicalId, why: read });
    return;
  }
  const { leftAlone, jsonataLambda } = injectTraceContext(read.definition, resourceResolver(props.DefinitionSubstitutions, ctx), into);
  for (const { state, problem, jsonata } of leftAlone) {
    if (jsonata) ctx.warnings.warn(SFN_JSONATA_STATE_NOT_MERGED, { resource: machine.logicalId, state, problem, ...jsonata });
    else ctx.warnings.warn(SFN_STATE_NOT_MERGED, { resource: machine.logicalId, state, problem });
  }
  const pinned = jsonataLambda ? layersTooOldForJsonata(ctx.config) : [];
  if (pinned.length > 0) ctx.warnings.warn(SFN_JSONATA_OLD_LAYERS, { resource: machine.logicalId, pinned });
  // Rewrite only what changed, so a definition without Lambda or nested steps keeps its formatting.
  if (JSON.stringify(read.definition) !== read.compact) ctx.draft.properties(machine.logicalId)[key] = read.write(read.definition);
}

/**
 * The pinned layer parameters older than JSONata trace merging needs, as `name version`. Told by the
 * parameters alone: which function a step calls is often known only at deploy time (an ARN, a name).
 */
function layersTooOldForJsonata(config: Config): string[] {
  const min = JSONATA_CONTEXT_MIN_LAYER_VERSIONS;
  const pins: [string, number | undefined, number][] = [
    ["nodeLayerVersion", config.nodeLayerVersion, min.nodejs],
    ["pythonLayerVersion", config.pythonLayerVersion, min.python],
    ["extensionLayerVersion", config.extensionLayerVersion, min.extension],
  ];
  return pins.filter(([, pinned, needed]) => pinned !== undefined && pinned < needed).map(([name, pinned, needed]) => `${name} ${pinned} (needs ${needed}+)`);
}

/** What a state machine's role needs to send traces to X-Ray. */
export const SFN_XRAY_STATEMENT: Statement = {
  Sid: "DatadogStepFunctionsXRay",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
  Resource: "*",
};

/** X-Ray tracing (`enableXrayTracing`) unless the user configured it, with the permissions it needs. */
export function traceStateMachine(machine: StateMachineModel, ctx: InstrumentContext, grants: Grants): void {
  const key = machine.kind === "cfn" ? "TracingConfiguration" : "Tracing";
  const current = machine.properties[key];
  // Tracing the user turned off (or wrote as an intrinsic) is theirs; turned on (by them, or by an
  // earlier run of the macro), it gets the permissions, so a second run does what the first did.
  if (current !== undefined && !(isObject(current) && current.Enabled === true && Object.keys(current).length === 1)) return;
  const props = ctx.draft.properties(machine.logicalId);
  if (current === undefined) props[key] = { Enabled: true };
  // The role as it now stands: logging may have given the machine one.
  grants.grant({ logicalId: machine.logicalId, role: props[SHAPES[machine.kind].role], sam: machine.kind === "sam" }, SFN_XRAY_STATEMENT);
}


/**
 * What a state's Resource stands for: a literal; `${Name}` as DefinitionSubstitutions gives it (a literal
 * or resolvable string, or a reference to a function of the template); in an `Fn::Sub` definition,
 * `${Function.Arn}` of a function of the template; in a map definition, `Fn::GetAtt [Function, Arn]`.
 * A function of the template stands for a Lambda ARN.
 */
function resourceResolver(substitutions: unknown, ctx: InstrumentContext): (resource: unknown) => string {
  const lambdaArnOf = (reference: unknown): string | undefined => {
    const target = referencedLogicalId(reference, "Arn") ?? referencedLogicalId(reference);
    const resourceOf = target === undefined ? undefined : ctx.draft.get(target);
    return isObject(resourceOf) && FUNCTION_TYPES.has(resourceOf.Type as string) ? `arn:${ctx.partition}:lambda:${ctx.region}:function:${target}` : undefined;
  };
  return (resource) => {
    if (typeof resource !== "string") return lambdaArnOf(resource) ?? "";
    const match = /^\$\{([^}]+)\}$/.exec(resource);
    if (!match) return resource;
    const value = own(substitutions, match[1]);
    if (value === undefined) {
      const [id, attribute, ...rest] = match[1].split(".");
      if (rest.length > 0) return resource;
      return lambdaArnOf(attribute === undefined ? ref(id) : getAtt(id, attribute)) ?? resource;
    }
    const text = templateString(value, ctx.template);
    if (text !== undefined && !text.includes("${")) return text;
    return lambdaArnOf(value) ?? resource;
  };
}
