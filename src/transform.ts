/**
 * The core: takes a macro request, returns the instrumented fragment or every problem found.
 * Pure apart from reading the environment it is given; the handler and the preview CLI both call it.
 */
import { loadConfig } from "./config/load";
import type { Config } from "./config/parameters";
import { usesExtension, validateConfig } from "./config/validate";
import { discover, type FunctionModel } from "./discover";
import { isObject, type JsonObject, type TemplateContext } from "./intrinsics";
import type { InstrumentContext } from "./instrument/context";
import { datadogEnvironment } from "./instrument/environment";
import { instrumentable, instrumentFunction } from "./instrument/function";
import { layerLimitProblem } from "./instrument/layers";
import { DATADOG_LAYER_ACCOUNTS, partitionOf } from "./partitions";
import { Report } from "./report";
import { PARAMETERS, type ParameterSpec } from "./config/parameters";

export interface MacroRequest {
  fragment: unknown;
  params: unknown;
  region: unknown;
  /** The deploying account (event `accountId`), for `Ref AWS::AccountId`. */
  accountId?: unknown;
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
  skipped: { logicalId: string; reason: string }[];
}

export function transformFragment(request: MacroRequest): MacroOutcome {
  const report = new Report();
  const outcome = (ok: boolean, fragment: unknown, instrumented: string[] = [], skipped: MacroOutcome["skipped"] = []): MacroOutcome => ({
    ok,
    fragment,
    errors: report.errors,
    warnings: report.warnings,
    instrumented,
    skipped,
  });

  if (!isObject(request.fragment)) {
    report.error("The request has no template fragment (an object with Resources); CloudFormation sends one with every macro call.");
    return outcome(false, request.fragment);
  }
  const region = typeof request.region === "string" && request.region !== "" ? request.region : undefined;
  if (region === undefined) report.error("The request has no region; CloudFormation sends one with every macro call.");

  // Otherwise a JSON round trip, not structuredClone: shared sub-objects (YAML aliases) must become independent copies.
  const fragment = (request.ownsFragment ? request.fragment : JSON.parse(JSON.stringify(request.fragment))) as JsonObject;
  const context: TemplateContext = {
    parameterValues: isObject(request.templateParameterValues) ? request.templateParameterValues : {},
    parameterDeclarations: isObject(fragment.Parameters) ? fragment.Parameters : {},
    mappings: isObject(fragment.Mappings) ? fragment.Mappings : {},
    pseudoParameters: pseudoParameters(region, request.accountId),
  };
  const config = loadConfig({ params: request.params, mappings: fragment.Mappings, env: request.env, context }, report);
  validateConfig(config, report);

  const resources = fragment.Resources;
  if (resources !== undefined && !isObject(resources)) {
    report.error("The template's Resources must be a map of logical ids to resources.");
  }
  if (report.errors.length > 0 || !isObject(resources) || region === undefined) {
    return outcome(report.errors.length === 0, report.errors.length === 0 ? fragment : request.fragment);
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
  // Every check that can fail runs before the first edit.
  checkLayerVersions(selected, config, report);
  checkSynchronousMetricsKey(selected, config, extension, report);
  if (report.errors.length === 0) selected.forEach((fn) => instrumentable(fn) && report.errorIf(layerLimitProblem(fn, ctx)));
  if (report.errors.length > 0) return outcome(false, request.fragment);

  if (partition === "aws-cn" && config.useLayersFromAccount === undefined && selected.length > 0) {
    report.warn("Datadog publishes no layers in the China partition; set `useLayersFromAccount` to an account that holds copies.");
  }
  selected.forEach((fn) => instrumentFunction(fn, ctx));
  return outcome(true, fragment, selected.map((fn) => fn.logicalId), skipped);
}

function pseudoParameters(region: string | undefined, accountId: unknown): Record<string, string> {
  const known: Record<string, string> = {};
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

function selectFunctions(functions: FunctionModel[], config: Config, report: Report) {
  const excluded = new Set(config.exclude);
  const ids = new Set(functions.map((fn) => fn.logicalId));
  for (const id of excluded) {
    if (!ids.has(id)) report.warn(`\`exclude\` names ${id}, which is not a Lambda function of this template.`);
  }
  const selected: FunctionModel[] = [];
  const skipped: MacroOutcome["skipped"] = [];
  for (const fn of functions) {
    const reason = excluded.has(fn.logicalId)
      ? "listed in `exclude`"
      : fn.cdkFramework
        ? "a function CDK adds for its own use (custom resource provider or log retention)"
        : fn.packageType === "Image" && !config.instrumentContainerImages
          ? "container image (set `instrumentContainerImages: true` to add environment and tags)"
          : undefined;
    if (reason) {
      skipped.push({ logicalId: fn.logicalId, reason });
      report.warn(`${fn.logicalId}: skipped, ${reason}.`);
    } else {
      selected.push(fn);
    }
  }
  return { selected, skipped };
}

/** With `addLayers`, every runtime family present needs its layer version: one error per family, naming its functions. */
function checkLayerVersions(functions: FunctionModel[], config: Config, report: Report): void {
  if (!config.addLayers) return;
  const missing = new Map<string, string[]>();
  for (const fn of functions) {
    const parameter = fn.packageType === "Zip" ? fn.runtimeInfo?.layerVersionParameter : undefined;
    if (parameter === undefined || config[parameter] !== undefined) continue;
    missing.set(parameter, [...(missing.get(parameter) ?? []), fn.logicalId]);
  }
  for (const [parameter, ids] of missing) {
    const spec: ParameterSpec = PARAMETERS[parameter as keyof typeof PARAMETERS];
    report.error(
      `Function${ids.length > 1 ? "s" : ""} ${ids.join(", ")} need${ids.length > 1 ? "" : "s"} \`${parameter}\`, which is not set; add it (${spec.doc.split(";")[0]}), set \`addLayers: false\` and bundle the library yourself, or list the function${ids.length > 1 ? "s" : ""} in \`exclude\`.`,
    );
  }
}

/** Node.js sends metrics synchronously without the extension or log flushing, and cannot then fetch a secret API key. */
function checkSynchronousMetricsKey(functions: FunctionModel[], config: Config, extension: boolean, report: Report): void {
  if (config.apiKeySecretArn === undefined || extension || config.flushMetricsToLogs) return;
  const ids = functions.filter((fn) => fn.runtimeInfo?.family === "nodejs").map((fn) => fn.logicalId);
  if (ids.length > 0) {
    report.error(
      `Node.js functions ${ids.join(", ")} cannot read \`apiKeySecretArn\` when metrics are sent synchronously; add the extension, set \`flushMetricsToLogs: true\`, or use \`apiKMSKey\`.`,
    );
  }
}
