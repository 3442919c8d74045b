/**
 * The core: takes a macro request, returns the instrumented fragment or every problem found.
 * `prepare` reads and checks everything that can fail; the only I/O (read-only log group lookups, needed
 * with a forwarder) happens between it and `finish`, which edits the fragment and cannot fail.
 * The handler and the preview CLI both call it.
 */
import { checkLayerVersions, checkSynchronousMetricsKey, selectFunctions, type Skipped } from "./checks";
import { loadConfig } from "./config/load";
import { usesExtension, validateConfig } from "./config/validate";
import { discover, type FunctionModel } from "./discover";
import { functionLogTarget, type TargetOutcome } from "./forwarder/function-targets";
import { queryFor, subscribe } from "./forwarder/subscriptions";
import { emptyTemplateLogs, readTemplateLogs, type TemplateLogs } from "./forwarder/template-logs";
import { isObject, type JsonObject, type TemplateContext } from "./intrinsics";
import type { InstrumentContext } from "./instrument/context";
import { datadogEnvironment } from "./instrument/environment";
import { instrumentable, instrumentFunction } from "./instrument/function";
import { forwarderTags } from "./instrument/function-tags";
import { layerLimitProblem } from "./instrument/layers";
import type { AccountView } from "./lookup/account-view";
import { gatherLogFacts, type LogFacts, type LogGroupQuery } from "./lookup/gather";
import { DATADOG_LAYER_ACCOUNTS, partitionOf } from "./partitions";
import { Report } from "./report";
import { discoverStateMachines, instrumentStateMachine, stateMachineLogTarget, type StateMachineModel } from "./stepfunctions/state-machines";

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
  /**
   * The caller hands the fragment over (the Lambda handler's freshly parsed event): it is edited in
   * place instead of copied. Every check that can fail runs before the first edit, so a failure still
   * returns the fragment as received.
   */
  ownsFragment?: boolean;
}

export interface MacroOutcome {
  ok: boolean;
  /** The instrumented fragment on success, the fragment as received on failure. */
  fragment: unknown;
  errors: string[];
  warnings: string[];
  instrumented: string[];
  skipped: Skipped[];
}

/** Lambda functions keep forwarded logs a month in CloudWatch unless `logRetentionInDays` says otherwise. */
export const FUNCTION_LOG_RETENTION_DAYS = 30;
const NO_FACTS: LogFacts = { groups: new Map() };

interface Prepared {
  report: Report;
  fragment: JsonObject;
  ctx: InstrumentContext;
  selected: FunctionModel[];
  skipped: Skipped[];
  logs: TemplateLogs;
  functionTargets: Map<FunctionModel, TargetOutcome>;
  machines: { machine: StateMachineModel; target: TargetOutcome }[];
}

/** Transforms with the given account facts (none: no log group exists), synchronously. */
export function transformFragment(request: MacroRequest, facts: LogFacts = NO_FACTS): MacroOutcome {
  const prepared = prepare(request);
  return "ok" in prepared ? prepared : finish(prepared, facts);
}

/** Transforms, asking `view` about the log groups a forwarder needs (the view is created only then). */
export async function transformWithLookups(request: MacroRequest, view: () => AccountView): Promise<MacroOutcome> {
  const prepared = prepare(request);
  if ("ok" in prepared) return prepared;
  const queries = lookupQueries(prepared);
  if (queries.length === 0) return finish(prepared, NO_FACTS);
  try {
    return finish(prepared, await gatherLogFacts(view(), queries));
  } catch (error) {
    prepared.report.error(error instanceof Error ? error.message : String(error));
    return failure(prepared.report, request.fragment);
  }
}

function failure(report: Report, fragment: unknown): MacroOutcome {
  return { ok: false, fragment, errors: report.errors, warnings: report.warnings, instrumented: [], skipped: [] };
}

function prepare(request: MacroRequest): Prepared | MacroOutcome {
  const report = new Report();
  if (!isObject(request.fragment)) {
    report.error("The request has no template fragment (an object with Resources); CloudFormation sends one with every macro call.");
    return failure(report, request.fragment);
  }
  const region = typeof request.region === "string" && request.region !== "" ? request.region : undefined;
  if (region === undefined) report.error("The request has no region; CloudFormation sends one with every macro call.");

  // Otherwise a JSON round trip, not structuredClone: shared sub-objects (YAML aliases) must become independent copies.
  const fragment = (request.ownsFragment ? request.fragment : JSON.parse(JSON.stringify(request.fragment))) as JsonObject;
  const pseudo = pseudoParameters(region, request.accountId, request.stackName);
  const context: TemplateContext = {
    parameterValues: isObject(request.templateParameterValues) ? request.templateParameterValues : {},
    parameterDeclarations: isObject(fragment.Parameters) ? fragment.Parameters : {},
    mappings: isObject(fragment.Mappings) ? fragment.Mappings : {},
    pseudoParameters: pseudo,
  };
  const config = loadConfig({ params: request.params, mappings: fragment.Mappings, env: request.env, context }, report);
  validateConfig(config, report);
  // The `stackName` parameter tells what AWS::StackName is, e.g. in a FunctionName built with Fn::Sub.
  if (config.stackName !== undefined) pseudo["AWS::StackName"] = config.stackName;

  const resources = fragment.Resources;
  if (resources !== undefined && !isObject(resources)) report.error("The template's Resources must be a map of logical ids to resources.");
  if (report.errors.length > 0) return failure(report, request.fragment);
  if (!isObject(resources) || region === undefined) {
    return { ok: true, fragment, errors: [], warnings: report.warnings, instrumented: [], skipped: [] };
  }

  const model = discover(resources, fragment.Globals, context);
  const { selected, skipped } = selectFunctions(model.functions, config, report);
  const partition = partitionOf(region);
  const extension = usesExtension(config);
  const ctx: InstrumentContext = {
    config,
    extension,
    environment: datadogEnvironment(config, extension),
    report,
    template: context,
    resources,
    region,
    partition,
    layerAccount: config.useLayersFromAccount ?? DATADOG_LAYER_ACCOUNTS[partition],
    macroVersion: request.macroVersion,
    createdByCdk: model.createdByCdk,
  };
  checkLayerVersions(selected, config, report);
  checkSynchronousMetricsKey(selected, config, extension, report);
  if (report.errors.length === 0) selected.forEach((fn) => instrumentable(fn) && report.errorIf(layerLimitProblem(fn, ctx)));

  // Indexing the template's log resources is only worth it when something will be subscribed.
  const forwarding = config.forwarderArn !== undefined || config.stepFunctionForwarderArn !== undefined;
  const logs = forwarding ? readTemplateLogs(resources, context) : emptyTemplateLogs(context);
  const functionTargets = planFunctionSubscriptions(selected, ctx, logs);
  const machines = planStateMachines(resources, ctx, logs);
  if (report.errors.length > 0) return failure(report, request.fragment);
  return { report, fragment, ctx, selected, skipped, logs, functionTargets, machines };
}

function planFunctionSubscriptions(selected: FunctionModel[], ctx: InstrumentContext, logs: TemplateLogs): Map<FunctionModel, TargetOutcome> {
  const targets = new Map<FunctionModel, TargetOutcome>();
  const { forwarderArn, stackName, logRetentionInDays } = ctx.config;
  if (forwarderArn === undefined) return targets;
  const settings = { destination: forwarderArn, stackName, retentionInDays: logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS };
  // Image functions are only here when instrumented; their logs are forwarded like the others'.
  for (const fn of selected) targets.set(fn, functionLogTarget(fn, ctx.resources, logs, settings));
  const unnamed = selected.filter((fn) => "needsStackName" in targets.get(fn)!).map((fn) => fn.logicalId);
  if (unnamed.length > 0) {
    ctx.report.error(
      `With \`forwarderArn\`, the log groups of ${unnamed.join(", ")} must be found, but they have no FunctionName, so their names are chosen by CloudFormation from the stack name. Add \`stackName: !Ref AWS::StackName\` to the macro parameters (CDK: \`stackName: stack.stackName\` in the Datadog mapping), or give each a FunctionName.`,
    );
  }
  return targets;
}

function planStateMachines(resources: JsonObject, ctx: InstrumentContext, logs: TemplateLogs): Prepared["machines"] {
  const destination = ctx.config.stepFunctionForwarderArn;
  if (destination === undefined) return [];
  const excluded = new Set(ctx.config.exclude);
  return discoverStateMachines(resources)
    .filter((machine) => !excluded.has(machine.logicalId))
    .map((machine) => ({ machine, target: stateMachineLogTarget(machine, ctx, logs, destination) }));
}

function lookupQueries(prepared: Prepared): LogGroupQuery[] {
  const targets = [...prepared.functionTargets.values(), ...prepared.machines.map((m) => m.target)];
  return targets.flatMap((outcome) => ("target" in outcome ? [queryFor(outcome.target)] : [])).filter((query): query is LogGroupQuery => query !== undefined);
}

function finish(prepared: Prepared, facts: LogFacts): MacroOutcome {
  const { report, ctx, selected, logs } = prepared;
  if (ctx.partition === "aws-cn" && ctx.config.useLayersFromAccount === undefined && selected.length > 0) {
    report.warn("Datadog publishes no layers in the China partition; set `useLayersFromAccount` to an account that holds copies.");
  }
  selected.forEach((fn) => instrumentFunction(fn, ctx));
  for (const outcome of prepared.functionTargets.values()) {
    if ("target" in outcome) subscribe(outcome.target, facts, logs, ctx.resources, report);
    else if ("warning" in outcome) report.warn(outcome.warning);
  }
  const tags = forwarderTags(ctx.config);
  prepared.machines.forEach(({ machine, target }) => instrumentStateMachine(machine, ctx, logs, facts, target, tags));
  return {
    ok: true,
    fragment: prepared.fragment,
    errors: [],
    warnings: report.warnings,
    instrumented: [...selected.map((fn) => fn.logicalId), ...prepared.machines.map(({ machine }) => machine.logicalId)],
    skipped: prepared.skipped,
  };
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
