/**
 * The core: takes a macro request, returns the instrumented fragment or every problem found. It runs the
 * steps (one per kind of resource, `STEPS`) in two phases around the only I/O: each plans (reading and
 * checking everything that can fail offline) and says what it needs looked up; then the read-only lookups
 * (log groups a forwarder needs, pinned layer versions); then each applies through the draft. The result
 * is held against AWS's quotas before it is returned. The fragment as received is never changed: a
 * failure returns it as it was.
 */
import { deriveConfig } from "./config/derive";
import { loadConfig } from "./config/load";
import { validateConfig } from "./config/validate";
import { emptyTemplateLogs, readTemplateLogs } from "./forwarder";
import type { InstrumentContext } from "./instrument/context";
import { datadogEnvironment } from "./instrument/environment";
import { checkTagParameters } from "./instrument/tags";
import { Grants } from "./instrument/permissions";
import { checkResultLimits } from "./instrument/result-limits";
import { ConditionSpace, isObject, type TemplateContext } from "./intrinsics";
import { LookupError, LookupOutOfTime, type AccountView } from "./lookup/account-view";
import { gatherLogFacts, type LogFacts } from "./lookup/gather";
import { checkPinnedLayers } from "./lookup/layer-checks";
import { discover, select, TemplateDraft, type Skipped } from "./model";
import { checkTemplateSize } from "./model/size";
import { DATADOG_LAYER_ACCOUNTS, partitionOf } from "./partitions";
import { LOOKUP_DENIED, LOOKUP_FAILED, LOOKUP_OUT_OF_TIME, NO_FRAGMENT, NO_REGION, RESOURCES_NOT_MAP, Report, redactor, type Diagnostic, type Redactor } from "./rules";
import { STEPS, type Planned } from "./steps";
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

const NO_FACTS: LogFacts = { groups: new Map() };

interface Prepared {
  request: MacroRequest;
  report: Report;
  redact: Redactor;
  ctx: InstrumentContext;
  logs: ReturnType<typeof emptyTemplateLogs>;
  /** Each step's plan, in the order of STEPS. */
  planned: Planned[];
  skipped: Skipped[];
}

/** Transforms with the given account facts (none: no log group exists), synchronously, without checking layer versions. */
export function transformFragment(request: MacroRequest, facts: LogFacts = NO_FACTS): MacroOutcome {
  const prepared = prepare(request);
  return "ok" in prepared ? prepared : finish(prepared, facts);
}

/**
 * Transforms, asking `view` about the log groups the steps need and the layer versions parameters pin,
 * both at once (the view is created only when needed, given `deadline`: when the lookups must stop, in
 * ms on the view's clock; undefined for its default).
 */
export async function transformWithLookups(request: MacroRequest, view: (deadline?: number) => AccountView, deadline?: number): Promise<MacroOutcome> {
  const prepared = prepare(request);
  if ("ok" in prepared) return prepared;
  let account: AccountView | undefined;
  const connect = () => (account ??= view(deadline));
  const pinned = prepared.planned.flatMap((plan) => plan.pinnedLayers ?? []);
  const [logs, layers] = await Promise.allSettled([lookUpLogFacts(prepared, connect), checkPinnedLayers(pinned, connect, prepared.report)]);
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
  // First the stack's resources when a step names groups after them (API execution logs), then the groups.
  const stackName = prepared.ctx.config.stackName;
  const needsStack = prepared.planned.some((plan) => plan.needsStackResources === true);
  const stackResources = needsStack && stackName !== undefined ? await connect().stackResourceIds(stackName) : new Map<string, string>();
  const queries = prepared.planned.flatMap((plan) => plan.logQueries?.(stackResources) ?? []);
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
  const derived = deriveConfig(config, region);
  validateConfig(config, derived, report, { region, accountId: pseudo["AWS::AccountId"] });
  // The parameters become tags of functions with a forwarder, and of state machines with theirs.
  if (config.forwarderArn !== undefined || config.stepFunctionForwarderArn !== undefined) checkTagParameters(config, report);
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
  const ctx: InstrumentContext = {
    config,
    derived,
    environment: datadogEnvironment(config, derived),
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
  // Indexing the template's log resources is only worth it when something will be subscribed.
  const forwarding = config.forwarderArn !== undefined || config.stepFunctionForwarderArn !== undefined;
  const logs = forwarding ? readTemplateLogs(model, context) : emptyTemplateLogs(context);
  const planned = STEPS.map((step) => step.plan({ model, selection, ctx, logs, report, invalid }));
  if (report.failed) return outcome(report, redact, request.fragment);
  return { request, report, redact, ctx, logs, planned, skipped: selection.skipped };
}

function finish(prepared: Prepared, facts: LogFacts): MacroOutcome {
  const { report, ctx, logs, planned } = prepared;
  const grants = new Grants(ctx.draft, report, { resources: ctx.resources, context: ctx.template, conditions: ctx.conditions });
  for (const plan of planned) plan.apply({ ctx, facts, logs, grants, report });
  grants.write();
  // Every limit the result would break (E204, E206 found while applying; E104, E208 here) fails the transform at once.
  checkResultLimits(ctx, report);
  if (report.failed) return outcome(report, prepared.redact, prepared.request.fragment);
  const instrumented = planned.flatMap((plan) => plan.instrumented);
  const tagsOnly = planned.flatMap((plan) => plan.tagsOnly ?? []);
  const monitors = planned.flatMap((plan) => plan.monitors ?? []);
  // A template the macro did nothing to comes back as it was, without a summary.
  const didSomething = ctx.draft.changed || prepared.skipped.length > 0;
  const metadata = didSomething ? { key: SUMMARY_KEY, value: summary(ctx.macroVersion, { instrumented, tagsOnly, monitors, skipped: prepared.skipped }, report.diagnostics) } : undefined;
  const result = ctx.draft.result(metadata);
  // Measured after the summary is written, and its note left out of it: the note depends on the input's
  // size, which a second run (on this output) sees differently, and the summary must not change then.
  if (!checkTemplateSize(prepared.request.fragment, result, report)) return outcome(report, prepared.redact, prepared.request.fragment);
  return outcome(report, prepared.redact, result, { instrumented, tagsOnly, skipped: prepared.skipped });
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
