/**
 * Step Functions: logging to a group subscribed to the forwarder, permissions for log delivery,
 * tags, and trace context in Lambda and nested-execution steps.
 */
import { isObject, isIntrinsic, referencedLogicalId, templateString, type Json, type JsonObject } from "../intrinsics";
import { properties, writableProperties } from "../discover";
import { declaredGroupTarget, located, type TargetOutcome } from "../forwarder/function-targets";
import { subscribe } from "../forwarder/subscriptions";
import type { TemplateLogs } from "../forwarder/template-logs";
import type { LogFacts } from "../lookup/gather";
import type { InstrumentContext } from "../instrument/context";
import { createRole, grant, type Statement } from "../instrument/permissions";
import { addTags } from "../instrument/tags";
import { readDefinition } from "./definition";
import { injectTraceContext } from "./trace-context";

export const STATE_MACHINE = "AWS::StepFunctions::StateMachine";
export const SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine";

/** Property names differ between CloudFormation and SAM state machines. */
const SHAPES = {
  cfn: { logging: "LoggingConfiguration", role: "RoleArn", tags: "list" },
  sam: { logging: "Logging", role: "Role", tags: "map" },
} as const;

export interface StateMachineModel {
  logicalId: string;
  kind: keyof typeof SHAPES;
  resource: JsonObject;
}

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

export function discoverStateMachines(resources: JsonObject): StateMachineModel[] {
  return Object.entries(resources).flatMap(([logicalId, resource]): StateMachineModel[] => {
    if (!isObject(resource)) return [];
    if (resource.Type === STATE_MACHINE) return [{ logicalId, kind: "cfn", resource }];
    if (resource.Type === SERVERLESS_STATE_MACHINE) return [{ logicalId, kind: "sam", resource }];
    return [];
  });
}

function destinationArn(logging: unknown): unknown {
  const destinations = isObject(logging) ? logging.Destinations : undefined;
  const first = Array.isArray(destinations) ? destinations[0] : undefined;
  return isObject(first) && isObject(first.CloudWatchLogsLogGroup) ? first.CloudWatchLogsLogGroup.LogGroupArn : undefined;
}

export function defaultLogGroupName(machine: StateMachineModel, env: string | undefined): string {
  return `/aws/vendedlogs/states/${machine.logicalId}-Logs${env ? `-${env}` : ""}`;
}

/** The log group the machine logs to (the user's destination), or the one the macro will give it. */
export function stateMachineLogTarget(machine: StateMachineModel, ctx: InstrumentContext, logs: TemplateLogs, destination: string): TargetOutcome {
  const base = { ownerId: machine.logicalId, destination, retentionInDays: ctx.config.logRetentionInDays ?? STATE_MACHINE_LOG_RETENTION_DAYS };
  const logging = properties(machine.resource)[SHAPES[machine.kind].logging];
  if (isIntrinsic(logging)) return { warning: `${machine.logicalId}: its logging configuration is an intrinsic function; logging and subscription left to you.` };
  const arn = destinationArn(logging);
  if (arn === undefined) {
    const name = defaultLogGroupName(machine, ctx.config.env);
    return located(base, name, name, logs, { name });
  }
  const declared = declaredGroupTarget(base, referencedLogicalId(arn, "Arn"), ctx.resources, logs);
  if (declared) return declared;
  const text = templateString(arn, logs.context);
  const match = text === undefined ? null : /:log-group:([^:]+)(:\*)?$/.exec(text);
  if (!match || match[1].includes("${")) {
    return { warning: `${machine.logicalId}: its log destination cannot be resolved at transform time; subscribe it to the forwarder yourself.` };
  }
  return located(base, match[1], match[1], logs, { name: match[1] });
}

export function instrumentStateMachine(
  machine: StateMachineModel,
  ctx: InstrumentContext,
  logs: TemplateLogs,
  facts: LogFacts,
  target: TargetOutcome,
  tags: Record<string, string>,
): void {
  if ("target" in target) {
    const { declaredGroupId } = subscribe(target.target, facts, logs, ctx.resources, ctx.report);
    configureLogging(machine, ctx, target.target.name, declaredGroupId);
  } else if ("warning" in target) {
    ctx.report.warn(target.warning);
  }
  addTags(machine.logicalId, machine.resource, SHAPES[machine.kind].tags, { ...tags, dd_sls_macro: `v${ctx.macroVersion}`, DD_TRACE_ENABLED: "true" }, ctx.report);
  mergeTraces(machine, ctx);
}

/** Gives a machine without a destination full logging to its group, and its role the log-delivery permissions. */
function configureLogging(machine: StateMachineModel, ctx: InstrumentContext, groupName: Json, declaredGroupId: string | undefined): void {
  const shape = SHAPES[machine.kind];
  const props = writableProperties(machine.resource);
  const logging = isObject(props[shape.logging]) ? (props[shape.logging] as JsonObject) : {};
  if (destinationArn(logging) !== undefined) {
    if (logging.Level !== "ALL" || logging.IncludeExecutionData !== true) {
      ctx.report.warn(`${machine.logicalId}: logging is not Level ALL with IncludeExecutionData; Datadog traces need both (left as you set it).`);
    }
    return;
  }
  const logGroupArn: Json =
    declaredGroupId !== undefined
      ? { "Fn::GetAtt": [declaredGroupId, "Arn"] }
      : typeof groupName === "string"
        ? { "Fn::Sub": `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${groupName}:*` }
        : { "Fn::Sub": ["arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}:*", { Name: groupName }] };
  props[shape.logging] = {
    Level: "ALL",
    IncludeExecutionData: true,
    ...logging,
    Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn } }],
  };
  const role = props[shape.role];
  if (role === undefined && machine.kind === "cfn") {
    const roleId = `${machine.logicalId}Role`;
    createRole(ctx.resources, roleId, "states.amazonaws.com", LOG_DELIVERY);
    props.RoleArn = { "Fn::GetAtt": [roleId, "Arn"] };
    return;
  }
  grant({ logicalId: machine.logicalId, role, samResource: machine.kind === "sam" ? machine.resource : undefined }, ctx.resources, ctx.report, LOG_DELIVERY);
}

function mergeTraces(machine: StateMachineModel, ctx: InstrumentContext): void {
  const props = properties(machine.resource);
  const key = props.Definition !== undefined ? "Definition" : props.DefinitionString !== undefined ? "DefinitionString" : undefined;
  if (key === undefined) {
    ctx.report.warn(`${machine.logicalId}: its definition is not in the template (DefinitionUri or S3 location); trace context not injected.`);
    return;
  }
  const read = readDefinition(props[key]);
  if (typeof read === "string") {
    ctx.report.warn(`${machine.logicalId}: ${read}; definition left as it was, trace context not injected.`);
    return;
  }
  const before = JSON.stringify(read.definition);
  injectTraceContext(read.definition, machine.logicalId, substitutionResolver(props.DefinitionSubstitutions, ctx)).forEach((warning) => ctx.report.warn(warning));
  // Rewrite only what changed, so a definition without Lambda or nested steps keeps its formatting.
  if (JSON.stringify(read.definition) !== before) writableProperties(machine.resource)[key] = read.write(read.definition);
}

const LAMBDA_TYPES = new Set(["AWS::Lambda::Function", "AWS::Serverless::Function"]);

/**
 * `${Name}` in a Resource, as DefinitionSubstitutions gives it: a literal (or resolvable) string, or
 * `Fn::GetAtt [Function, Arn]` / `Ref Function` of a function of the template, which is a Lambda ARN.
 */
function substitutionResolver(substitutions: unknown, ctx: InstrumentContext): (resource: string) => string {
  return (resource) => {
    const match = /^\$\{([^}]+)\}$/.exec(resource);
    if (!match || !isObject(substitutions) || !(match[1] in substitutions)) return resource;
    const value = substitutions[match[1]];
    const literal = templateString(value, ctx.template);
    if (literal !== undefined && !literal.includes("${")) return literal;
    const target = referencedLogicalId(value, "Arn") ?? referencedLogicalId(value);
    const resourceOf = target === undefined ? undefined : ctx.resources[target];
    return isObject(resourceOf) && LAMBDA_TYPES.has(resourceOf.Type as string) ? `arn:${ctx.partition}:lambda:${ctx.region}:function:${target}` : resource;
  };
}
