/**
 * The core: takes a macro request, returns the instrumented fragment or every problem found.
 * `prepare` reads and checks everything that can fail offline; the only I/O (read-only log group lookups,
 * needed with a forwarder, and checks of pinned layer versions) happens between it and `finish`, which
 * writes the draft; the errors `finish` finds are on the result (limits the additions would exceed).
 * The fragment as received is never changed: a failure returns it as it was.
 */
import { loadConfig } from "./config/load";
import { literal } from "./config/parameters";
import { usesExtension, validateConfig } from "./config/validate";
import { functionLogTarget, warnUnsubscribed, type TargetOutcome } from "./forwarder/function-targets";
import { executionTargets, needsStackResources, NO_OTHER_GROUPS, planOtherGroups, type OtherGroups } from "./forwarder/other-groups";
import { queryFor, subscribe } from "./forwarder/subscriptions";
import { emptyTemplateLogs, readTemplateLogs, type TemplateLogs } from "./forwarder/template-logs";
import { checkLayerVersions, checkSynchronousMetricsKey } from "./instrument/checks";
import type { InstrumentContext } from "./instrument/context";
import { datadogEnvironment } from "./instrument/environment";
import { ENVIRONMENT_LIMIT_BYTES } from "./instrument/environment-size";
import { applyFunction, planFunction, type FunctionPlan } from "./instrument/function";
import { checkExistingLimits } from "./instrument/existing-limits";
import { checkFunctionTags, checkTagParameters, functionTagSets, type TagList } from "./instrument/function-tags";
import { defaultedLayers, pinnedLayers, type LayerCache } from "./instrument/layers";
import { Grants } from "./instrument/permissions";
import { secretStatements } from "./instrument/secret-access";
import { ConditionSpace, isObject, own, type JsonObject, type TemplateContext } from "./intrinsics";
import { LookupError, LookupOutOfTime, type AccountView } from "./lookup/account-view";
import { gatherLogFacts, type LogFacts, type LogGroupQuery } from "./lookup/gather";
import { checkPinnedLayers, type PinnedLayer } from "./lookup/layer-checks";
import { discover, select, TemplateDraft, type ApiStageModel, type Skipped, type StateMachineModel } from "./model";
import { checkTemplateSize } from "./model/size";
import { DATADOG_LAYER_ACCOUNTS, partitionOf } from "./partitions";
import { GOV_SITES } from "./sites";
import {
  DEFAULT_LAYER_VERSIONS,
  ENVIRONMENT_TOO_LARGE,
  FORWARDER_NEEDS_STACK_NAME,
  LOOKUP_DENIED,
  LOOKUP_FAILED,
  LOOKUP_OUT_OF_TIME,
  NO_FRAGMENT,
  NO_LAYERS_IN_CHINA,
  NO_REGION,
  RESOURCES_NOT_MAP,
  Report,
  TOO_MANY_RESOURCES,
  redactor,
  type Diagnostic,
  type Redactor,
} from "./rules";
import { checkStateMachineTags, stateMachineLogTarget, instrumentStateMachine, stateMachineTags, traceStateMachine } from "./stepfunctions/state-machines";
import { traceApiStages } from "./instrument/api-tracing";
import { summary, SUMMARY_KEY } from "./summary";

export type { Skipped };

export interface MacroRequest {
  fragment: unknown;
  params: unknown;
  region: unknown;
  /** The deploying account (event `accountId`), for `Ref AWS::AccountId`. */
  accountId?: unknown;
  /** The stack's name when the caller knows it (the preview), for `Ref AWS::StackName` in parameters. */
  stackName?: string;
  templateParameterValues: unknown;
  /** The macro function's environment (region-wide defaults). */
  env: Record<string, string | undefined>;
  macroVersion: string;
}

export interface MacroOutcome {
  ok: boolean;
  /** The instrumented fragment on success, the fragment as received on failure. */
  fragment: unknown;
  errors: string[];
  warnings: string[];
  /** What the macro chose without being told (default layer versions...): logged, shown by the preview. */
  notes: string[];
  diagnostics: Diagnostic[];
  /** Resources that send data to Datadog. */
  instrumented: string[];
  /** Resources that got tags only (Lambda@Edge functions): listed apart, as they send nothing. */
  tagsOnly: string[];
  skipped: Skipped[];
}

/** Lambda functions keep forwarded logs a month in CloudWatch unless `logRetentionInDays` says otherwise. */
export const FUNCTION_LOG_RETENTION_DAYS = 30;
/** CloudFormation's limit on resources in a template. */
export const MAX_RESOURCES = 500;
const NO_FACTS: LogFacts = { groups: new Map() };

interface Prepared {
  request: MacroRequest;
  report: Report;
  redact: Redactor;
  fragment: JsonObject;
  ctx: InstrumentContext;
  plans: FunctionPlan[];
  /** The tags of each function, and of each state machine. */
  functionTags: ReturnType<typeof functionTagSets>;
  machineTags: TagList;
  skipped: Skipped[];
  logs: TemplateLogs;
  functionTargets: { ownerId: string; target: TargetOutcome }[];
  machines: { machine: StateMachineModel; target: TargetOutcome }[];
  /** State machines and API stages to give X-Ray tracing (`enableXrayTracing`). */
  traced: { machines: StateMachineModel[]; stages: ApiStageModel[] };
  otherGroups: OtherGroups;
  /** Layer versions chosen by parameters, to check with the lookups. */
  pinned: PinnedLayer[];
}

/** Transforms with the given account facts (none: no log group exists), synchronously, without checking layer versions. */
export function transformFragment(request: MacroRequest, facts: LogFacts = NO_FACTS): MacroOutcome {
  const prepared = prepare(request);
  return "ok" in prepared ? prepared : finish(prepared, facts);
}

/**
 * Transforms, asking `view` about the log groups a forwarder needs and the layer versions parameters
 * pin, both at once (the view is created only when needed, given `deadline`: when the lookups must stop,
 * in ms on the view's clock; undefined for its default).
 */
export async function transformWithLookups(request: MacroRequest, view: (deadline?: number) => AccountView, deadline?: number): Promise<MacroOutcome> {
  const prepared = prepare(request);
  if ("ok" in prepared) return prepared;
  let account: AccountView | undefined;
  const connect = () => (account ??= view(deadline));
  const [logs, layers] = await Promise.allSettled([lookUpLogFacts(prepared, connect), checkPinnedLayers(prepared.pinned, connect, prepared.report)]);
  // Only a failed lookup is the user's to fix; any other exception is a bug and reaches the handler.
  for (const settled of [layers, logs]) if (settled.status === "rejected" && !(settled.reason instanceof LookupError)) throw settled.reason;
  if (logs.status === "rejected") {
    const error = logs.reason as LookupError;
    if (error instanceof LookupOutOfTime) prepared.report.error(LOOKUP_OUT_OF_TIME, { operation: error.operation, detail: error.detail, unchecked: error.unchecked, total: error.total });
    else if (error.denied) prepared.report.error(LOOKUP_DENIED, { operation: error.operation, permission: error.permission });
    else prepared.report.error(LOOKUP_FAILED, { operation: error.operation, detail: error.detail });
  }
  if (logs.status === "rejected" || prepared.report.failed) return outcome(prepared.report, prepared.redact, request.fragment);
  return finish(prepared, logs.value);
}

async function lookUpLogFacts(prepared: Prepared, connect: () => AccountView): Promise<LogFacts> {
  // First the stack's resources when execution log groups are named after an API's id, then the groups.
  const stackName = prepared.ctx.config.stackName;
  const stackResources = needsStackResources(prepared.otherGroups) && stackName !== undefined ? await connect().stackResourceIds(stackName) : new Map<string, string>();
  const queries = lookupQueries(prepared, stackResources);
  return queries.length === 0 ? { ...NO_FACTS, stackResources } : { ...(await gatherLogFacts(connect(), queries)), stackResources };
}

function outcome(report: Report, redact: Redactor, fragment: unknown, success?: { instrumented: string[]; tagsOnly?: string[]; skipped: Skipped[] }): MacroOutcome {
  const ok = success !== undefined && !report.failed;
  // Notes say what a successful transform chose; beside errors they are noise.
  const diagnostics = report.diagnostics.filter((d) => ok || d.severity !== "info").map((d) => ({ ...d, text: redact(d.text) }));
  return {
    ok,
    fragment,
    errors: diagnostics.filter((d) => d.severity === "error").map((d) => d.text),
    warnings: diagnostics.filter((d) => d.severity === "warning").map((d) => d.text),
    notes: diagnostics.filter((d) => d.severity === "info").map((d) => d.text),
    diagnostics,
    instrumented: ok ? success.instrumented : [],
    tagsOnly: ok ? (success.tagsOnly ?? []) : [],
    skipped: ok ? success.skipped : [],
  };
}

function prepare(request: MacroRequest): Prepared | MacroOutcome {
  const report = new Report();
  const plain = redactor([]);
  if (!isObject(request.fragment)) {
    report.error(NO_FRAGMENT, {});
    return outcome(report, plain, request.fragment);
  }
  const fragment = request.fragment;
  const region = typeof request.region === "string" && request.region !== "" ? request.region : undefined;
  if (region === undefined) report.error(NO_REGION, {});

  const pseudo = pseudoParameters(region, request.accountId, request.stackName);
  const context: TemplateContext = {
    parameterValues: isObject(request.templateParameterValues) ? request.templateParameterValues : {},
    parameterDeclarations: isObject(fragment.Parameters) ? fragment.Parameters : {},
    mappings: isObject(fragment.Mappings) ? fragment.Mappings : {},
    pseudoParameters: pseudo,
  };
  const { config, invalid, secrets } = loadConfig({ params: request.params, mappings: fragment.Mappings, env: request.env, context }, report);
  const redact = redactor(secrets);
  // Turned off (for this stage, say): the template comes back as it was, whatever else the parameters say.
  if (config.enabled === false && !invalid.has("enabled")) return outcome(new Report(), redact, fragment, { instrumented: [], skipped: [] });
  // As in Datadog's plugin: with the extension in GovCloud, the FIPS extension unless told otherwise
  // (when the site has FIPS endpoints: otherwise the user chose a site FIPS cannot reach).
  if (config.lambdaFips === undefined && region !== undefined && partitionOf(region) === "aws-us-gov" && usesExtension(config) && GOV_SITES.includes(config.site.toLowerCase())) {
    config.lambdaFips = true;
  }
  validateConfig(config, report);
  // The `stackName` parameter tells what AWS::StackName is, e.g. in a FunctionName built with Fn::Sub.
  if (config.stackName !== undefined) pseudo["AWS::StackName"] = config.stackName;

  const resources = fragment.Resources;
  if (resources !== undefined && !isObject(resources)) report.error(RESOURCES_NOT_MAP, {});
  if (!isObject(resources) || region === undefined) {
    return outcome(report, redact, report.failed ? request.fragment : fragment, { instrumented: [], skipped: [] });
  }

  // Template-level checks run even when a parameter was rejected: every problem is reported at once.
  const model = discover(resources, fragment.Globals, context);
  const selection = select(model, config, report);
  const partition = partitionOf(region);
  const extension = usesExtension(config);
  const ctx: InstrumentContext = {
    config,
    extension,
    environment: datadogEnvironment(config, extension),
    warnings: report,
    template: context,
    conditions: new ConditionSpace(fragment.Conditions, context),
    resources,
    draft: new TemplateDraft(fragment, resources),
    region,
    partition,
    layerAccount: config.useLayersFromAccount ?? DATADOG_LAYER_ACCOUNTS[partition],
    macroVersion: request.macroVersion,
    createdByCdk: model.createdByCdk,
  };
  checkLayerVersions(selection.functions, config, invalid, report);
  checkSynchronousMetricsKey(selection.functions, config, extension, report);
  const cache: LayerCache = new Map();
  const plans = selection.functions.map((fn) => planFunction(fn, ctx, cache, report));
  const defaults = defaultedLayers(cache);
  if (defaults.length > 0) report.note(DEFAULT_LAYER_VERSIONS, { layers: defaults });

  // Indexing the template's log resources is only worth it when something will be subscribed.
  const forwarding = config.forwarderArn !== undefined || config.stepFunctionForwarderArn !== undefined;
  const logs = forwarding ? readTemplateLogs(model, context) : emptyTemplateLogs(context);
  const functionTargets = planFunctionSubscriptions(plans, ctx, logs, report);
  const destination = config.stepFunctionForwarderArn;
  const machines = destination === undefined ? [] : selection.stateMachines.map((machine) => ({ machine, target: stateMachineLogTarget(machine, ctx, logs, destination, report) }));
  const otherGroups =
    config.forwarderArn === undefined
      ? NO_OTHER_GROUPS
      : planOtherGroups(selection.apiStages, config, resources, logs, { destination: config.forwarderArn, retentionInDays: config.logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS, region, accountId: pseudo["AWS::AccountId"], stackName: literal(config.stackName) }, report);
  const traced = config.enableXrayTracing ? { machines: selection.stateMachines, stages: selection.apiStages } : { machines: [], stages: [] };
  const { functionTags, machineTags } = planTags(plans, machines, ctx, report);
  if (report.failed) return outcome(report, redact, request.fragment);
  const pinned = pinnedLayers(plans.map((plan) => plan.layers));
  return { request, report, redact, fragment, ctx, plans, functionTags, machineTags, skipped: selection.skipped, logs, functionTargets, machines, traced, otherGroups, pinned };
}

/** The tags the macro writes, checked against what AWS accepts before anything is written. */
function planTags(plans: FunctionPlan[], machines: Prepared["machines"], ctx: InstrumentContext, report: Report): Pick<Prepared, "functionTags" | "machineTags"> {
  const { config } = ctx;
  // The parameters become tags of functions with a forwarder, and of state machines with theirs.
  if (config.forwarderArn !== undefined || config.stepFunctionForwarderArn !== undefined) checkTagParameters(config, report);
  const functionTags = functionTagSets(ctx);
  for (const { fn } of plans) checkFunctionTags(fn, functionTags(fn), ctx.conditions, report);
  const machineTags = stateMachineTags(config, ctx.macroVersion);
  for (const { machine } of machines) checkStateMachineTags(machine, machineTags, ctx.conditions, report);
  return { functionTags, machineTags };
}

function planFunctionSubscriptions(plans: FunctionPlan[], ctx: InstrumentContext, logs: TemplateLogs, report: Report): Prepared["functionTargets"] {
  const { forwarderArn, stackName, logRetentionInDays } = ctx.config;
  // With the extension, function logs go through it; the forwarder takes the stack's other logs.
  if (forwarderArn === undefined || ctx.extension) return [];
  const settings = { destination: forwarderArn, stackName, retentionInDays: logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS };
  // Lambda@Edge logs go to groups in every region the function runs in, not to the function's own.
  const targets = plans.filter(({ fn }) => fn.edge === undefined).map(({ fn }) => ({ ownerId: fn.logicalId, target: functionLogTarget(fn, ctx.resources, logs, settings) }));
  const unnamed = targets.filter(({ target }) => "needsStackName" in target).map(({ ownerId }) => ownerId);
  if (unnamed.length > 0) report.error(FORWARDER_NEEDS_STACK_NAME, { ids: unnamed });
  return targets;
}

function lookupQueries(prepared: Prepared, stackResources: ReadonlyMap<string, string>): LogGroupQuery[] {
  const other = [...prepared.otherGroups.targets, ...executionTargets(prepared.otherGroups, stackResources, prepared.logs)];
  const targets = [...prepared.functionTargets, ...prepared.machines, ...other].map(({ target }) => target);
  return targets.flatMap((outcome) => {
    const query = "target" in outcome ? queryFor(outcome.target) : undefined;
    return query ? [query] : [];
  });
}

function finish(prepared: Prepared, facts: LogFacts): MacroOutcome {
  const { report, ctx, plans, logs } = prepared;
  if (ctx.partition === "aws-cn" && ctx.config.useLayersFromAccount === undefined && plans.length > 0) report.warn(NO_LAYERS_IN_CHINA, {});
  const grants = new Grants(ctx.draft, report, { resources: ctx.resources, context: ctx.template, conditions: ctx.conditions });
  const setup = { tags: prepared.functionTags, grants, statements: secretStatements(ctx.config) };
  for (const plan of plans) {
    const tooLarge = applyFunction(plan, ctx, setup);
    if (tooLarge) report.error(ENVIRONMENT_TOO_LARGE, { resource: plan.fn.logicalId, ...tooLarge, limit: ENVIRONMENT_LIMIT_BYTES });
  }
  for (const { ownerId, target } of prepared.functionTargets) {
    if ("target" in target) subscribe(target.target, facts, logs, ctx.draft, ctx.warnings);
    else warnUnsubscribed(ownerId, target, ctx.warnings);
  }
  for (const { machine, target } of prepared.machines) instrumentStateMachine(machine, ctx, logs, facts, target, { tags: prepared.machineTags, grants });
  const other = [...prepared.otherGroups.targets, ...executionTargets(prepared.otherGroups, facts.stackResources ?? new Map(), logs)];
  for (const { ownerId, target, waits } of other) {
    if (!("target" in target)) {
      warnUnsubscribed(ownerId, target, ctx.warnings);
      continue;
    }
    const { declaredGroupId } = subscribe(target.target, facts, logs, ctx.draft, ctx.warnings);
    if (waits && declaredGroupId !== undefined) ctx.draft.dependOn(ownerId, declaredGroupId);
  }
  for (const machine of prepared.traced.machines) traceStateMachine(machine, ctx, grants);
  traceApiStages(prepared.traced.stages, ctx);
  grants.write();

  // Checked on the result: what the macro adds must not take the template past CloudFormation's limit.
  const before = Object.keys(ctx.resources).length;
  if (ctx.draft.added > 0 && before + ctx.draft.added > MAX_RESOURCES) report.error(TOO_MANY_RESOURCES, { before, after: before + ctx.draft.added, limit: MAX_RESOURCES });
  // What the template breaks by itself (E208), beside what the macro's additions would break.
  const reported = new Set(report.diagnostics.filter((d) => d.severity === "error" && d.resource !== undefined).map((d) => d.resource as string));
  const output = ctx.draft.result();
  checkExistingLimits({ resources: isObject(output.Resources) ? output.Resources : {}, functionGlobals: functionGlobalsOf(output), context: ctx.template, conditions: ctx.conditions }, reported, report);
  // Every limit found here (E204 environment, E206 role policies, E104 resources, E208) fails the transform at once.
  if (report.failed) return outcome(report, prepared.redact, prepared.request.fragment);
  const machineIds = [...prepared.machines.map(({ machine }) => machine.logicalId), ...prepared.traced.machines.map((machine) => machine.logicalId)];
  const instrumented = [...plans.filter(({ fn }) => fn.edge === undefined).map(({ fn }) => fn.logicalId), ...new Set(machineIds)];
  const tagsOnly = plans.filter(({ fn }) => fn.edge !== undefined).map(({ fn }) => fn.logicalId);
  // A template the macro did nothing to comes back as it was, without a summary.
  const didSomething = ctx.draft.changed || prepared.skipped.length > 0;
  const metadata = didSomething ? { key: SUMMARY_KEY, value: summary(ctx.macroVersion, { instrumented, tagsOnly, skipped: prepared.skipped }, report.diagnostics) } : undefined;
  const result = ctx.draft.result(metadata);
  // Measured after the summary is written, and its note left out of it: the note depends on the input's
  // size, which a second run (on this output) sees differently, and the summary must not change then.
  if (!checkTemplateSize(prepared.request.fragment, result, report)) return outcome(report, prepared.redact, prepared.request.fragment);
  return outcome(report, prepared.redact, result, { instrumented, tagsOnly, skipped: prepared.skipped });
}

function functionGlobalsOf(fragment: JsonObject): JsonObject {
  const globals = own(own(fragment, "Globals"), "Function");
  return isObject(globals) ? globals : {};
}

function pseudoParameters(region: string | undefined, accountId: unknown, stackName: string | undefined): Record<string, string> {
  const known: Record<string, string> = {};
  if (stackName !== undefined) known["AWS::StackName"] = stackName;
  if (region !== undefined) {
    const partition = partitionOf(region);
    Object.assign(known, {
      "AWS::Region": region,
      "AWS::Partition": partition,
      "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    });
  }
  if (typeof accountId === "string" && accountId !== "") known["AWS::AccountId"] = accountId;
  return known;
}
