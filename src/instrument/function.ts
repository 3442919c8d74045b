/**
 * Instruments one function: `planFunction` decides what it gets (and may find errors) before any edit;
 * `applyFunction` writes it and warns; the one problem it finds that fails the transform (an environment
 * past Lambda's limit) it returns, for the caller to report.
 */
import { CANNOT_EDIT, describeShape, isIntrinsic, isObject, type Json } from "../intrinsics";
import { functionProperty, type FunctionModel } from "../model";
import { EDGE_FUNCTION, ENVIRONMENT_NOT_EDITABLE, ENVIRONMENT_SIZE_UNKNOWN, IMAGE_NEEDS_DATADOG, PROFILING_UNSUPPORTED, RUNTIME_DEPRECATED, RUNTIME_NEWER, RUNTIME_UNRESOLVED, type Report } from "../rules";
import type { InstrumentContext } from "./context";
import { DATADOG_LAYER_ACCOUNTS } from "../partitions";
import { trustDatadogLayers } from "./code-signing";
import { inheritedVariables, withVariables } from "./environment-edit";
import { checkEnvironmentUnder, ENVIRONMENT_LIMIT_BYTES, UNKNOWN_VALUE_ALLOWANCE, type EnvironmentTooLarge } from "./environment-size";
import { applyFunctionTags } from "./function-tags";
import type { TagList } from "./tags";
import { planHandler, type Readiness } from "./handler";
import { applyLayers, inheritedSlots, planLayers, type DesiredLayer, type LayerCache } from "./layers";
import type { Grants, Statement } from "./permissions";
import { applyXrayTracing } from "./tracing";

export interface FunctionPlan {
  fn: FunctionModel;
  /** Datadog layers per variant of the function (parallel to `fn.variants`). */
  layers: DesiredLayer[][];
  /** Layers and handler are edited (runtime and architecture known). */
  runtimeSteps: boolean;
}

export function planFunction(fn: FunctionModel, ctx: InstrumentContext, cache: LayerCache, report: Report): FunctionPlan {
  if (fn.edge !== undefined) {
    report.warn(EDGE_FUNCTION, { resource: fn.logicalId, distribution: fn.edge });
    return { fn, layers: [], runtimeSteps: false };
  }
  if (fn.runtimeProblem !== undefined) {
    report.warn(RUNTIME_UNRESOLVED, { resource: fn.logicalId, problem: fn.runtimeProblem });
    return { fn, layers: [], runtimeSteps: false };
  }
  const nonPython = ctx.config.enableProfiling ? fn.variants.find((variant) => variant.info !== undefined && variant.info.family !== "python" && variant.info.family !== "nodejs") : undefined;
  if (nonPython) report.warn(PROFILING_UNSUPPORTED, { resource: fn.logicalId, runtime: nonPython.runtime ?? "" });
  for (const variant of fn.variants) {
    if (variant.info?.tableStatus === "newer") report.warn(RUNTIME_NEWER, { resource: fn.logicalId, runtime: variant.runtime!, family: variant.info.family });
    else if (variant.info?.tableStatus === "older") report.warn(RUNTIME_DEPRECATED, { resource: fn.logicalId, runtime: variant.runtime! });
  }
  return { fn, layers: planLayers(fn, ctx, cache, report), runtimeSteps: true };
}

export interface FunctionSetup {
  tags: (fn: FunctionModel) => TagList;
  grants: Grants;
  /** Statements every function's role gets (the API key's secret). */
  statements: Statement[];
}

/** Instruments the function; returns how far the macro's variables would take it past Lambda's limit, when they would. */
export function applyFunction(plan: FunctionPlan, ctx: InstrumentContext, setup: FunctionSetup): EnvironmentTooLarge | undefined {
  const { fn } = plan;
  if (fn.edge !== undefined) {
    // Lambda@Edge: CloudFront rejects a function with layers or environment variables; tags are fine.
    applyFunctionTags(fn, ctx, setup.tags(fn));
    return undefined;
  }
  const layersWritten = plan.runtimeSteps ? applyLayers(fn, plan.layers, ctx) : false;
  // Datadog's signing profile signs Datadog's layers only: copies in another account (`useLayersFromAccount`, `*LayerArn`) are not trusted for them.
  const datadogLayers = `:${DATADOG_LAYER_ACCOUNTS[ctx.partition]}:layer:`;
  if (layersWritten && plan.layers.some((wanted) => wanted.some((layer) => layer.arn.includes(datadogLayers)))) trustDatadogLayers(fn, ctx);
  const handler = plan.runtimeSteps ? planHandler(fn, ctx, readiness(plan, layersWritten, ctx)) : { variables: [] };
  const current = fn.properties.Environment;
  const inherited = inheritedVariables(fn);
  const environment = withVariables(current, environmentFor(fn, ctx), inherited, handler.variables);
  let tooLarge: EnvironmentTooLarge | undefined;
  if (environment === CANNOT_EDIT) {
    const [where, value] = isObject(current) && !isIntrinsic(current) ? ["Environment.Variables", current.Variables] : ["Environment", current];
    ctx.warnings.warn(ENVIRONMENT_NOT_EDITABLE, { resource: fn.logicalId, where, shape: describeShape(value) });
  } else {
    // Checked whatever the macro added, so a second run reports what the first did.
    const size = checkEnvironmentUnder(ctx.conditions, current, environment, inherited, ctx.template);
    if (size !== undefined && "unknown" in size) ctx.warnings.warn(ENVIRONMENT_SIZE_UNKNOWN, { resource: fn.logicalId, ...size.unknown, limit: ENVIRONMENT_LIMIT_BYTES, allowance: UNKNOWN_VALUE_ALLOWANCE });
    // Past the limit by the template's own variables alone: reported with the template's excesses (E208).
    if (size !== undefined && "tooLarge" in size && size.tooLarge.largest.length > 0) tooLarge = size.tooLarge;
    if (environment !== current) {
      ctx.draft.properties(fn.logicalId).Environment = environment as Json;
    }
    // The original handler is in the environment: only now may the entry point move.
    handler.write?.();
  }
  if (fn.packageType === "Image") {
    const handlerless = fn.variants[0]?.info !== undefined && fn.variants[0].info.redirect.kind !== "handler";
    ctx.warnings.warn(IMAGE_NEEDS_DATADOG, { resource: fn.logicalId, redirected: handler.write !== undefined || handlerless });
  }
  applyFunctionTags(fn, ctx, setup.tags(fn));
  // X-Ray's statement and the key's, granted together: the role is resolved once.
  const xray = applyXrayTracing(fn, ctx);
  const statements = xray ? [xray, ...setup.statements] : setup.statements;
  setup.grants.grant({ logicalId: fn.logicalId, role: functionProperty(fn, "Role"), sam: fn.kind === "serverless" }, ...statements);
  return tooLarge;
}

const rubyEnvironments = new WeakMap<object, ReadonlyArray<readonly [string, Json]>>();

/**
 * The DD_* variables for this function: Ruby's library merges X-Ray traces under another name
 * (Datadog's tracing docs); a function that is Ruby under some conditions only gets both names.
 */
function environmentFor(fn: FunctionModel, ctx: InstrumentContext): ReadonlyArray<readonly [string, Json]> {
  let ruby = 0;
  for (const variant of fn.variants) if (variant.info?.family === "ruby") ruby++;
  if (ruby === 0) return ctx.environment;
  let renamed = rubyEnvironments.get(ctx.environment);
  if (renamed === undefined) {
    renamed = ctx.environment.map(([name, value]) => [name === "DD_MERGE_XRAY_TRACES" ? RUBY_MERGE_XRAY_TRACES : name, value] as const);
    rubyEnvironments.set(ctx.environment, renamed);
  }
  return ruby === fn.variants.length ? renamed : [...ctx.environment, ...renamed.filter(([name]) => name === RUBY_MERGE_XRAY_TRACES)];
}

const RUBY_MERGE_XRAY_TRACES = "DD_MERGE_DATADOG_XRAY_TRACES";

/** Which Datadog code the function will have, per variant: from its own layers (when written) or SAM Globals. */
function readiness(plan: FunctionPlan, layersWritten: boolean, ctx: InstrumentContext): Readiness {
  const { fn } = plan;
  const inherited = fn.kind === "serverless" ? inheritedSlots(fn) : undefined;
  const has = (i: number, slot: string | undefined) =>
    slot !== undefined && ((layersWritten && plan.layers[i].some((layer) => layer.slot === slot)) || inherited?.has(slot) === true);
  return {
    // Without `addLayers` the user bundles the library, and an image holds it: there by their word.
    library: (i) => fn.packageType === "Image" || !ctx.config.addLayers || has(i, fn.variants[i].info?.family),
    // An image holds the extension itself (W220 says so).
    extension: (i) => fn.packageType === "Image" || has(i, "extension"),
  };
}
