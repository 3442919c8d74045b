/**
 * Instruments one function: `planFunction` decides what it gets (and may find errors) before any edit;
 * `applyFunction` writes it and can only warn.
 */
import { CANNOT_EDIT, describeShape, isIntrinsic, isObject, literalBranches, own, type Json } from "../intrinsics";
import { functionProperty, type FunctionModel } from "../model";
import { EDGE_FUNCTION, ENVIRONMENT_NOT_EDITABLE, IMAGE_NEEDS_DATADOG, PROFILING_UNSUPPORTED, ENVIRONMENT_TOO_LARGE, RUNTIME_DEPRECATED, RUNTIME_NEWER, RUNTIME_UNRESOLVED, type Report } from "../rules";
import type { InstrumentContext } from "./context";
import { DATADOG_LAYER_ACCOUNTS } from "../partitions";
import { trustDatadogLayers } from "./code-signing";
import { inheritedVariables, withVariables } from "./environment-edit";
import { applyFunctionTags, type TagList } from "./function-tags";
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

export function applyFunction(plan: FunctionPlan, ctx: InstrumentContext, setup: FunctionSetup): void {
  const { fn } = plan;
  if (fn.edge !== undefined) {
    // Lambda@Edge: CloudFront rejects a function with layers or environment variables; tags are fine.
    applyFunctionTags(fn, ctx, setup.tags(fn));
    return;
  }
  const layersWritten = plan.runtimeSteps ? applyLayers(fn, plan.layers, ctx) : false;
  // Datadog's signing profile signs Datadog's layers only: copies in another account (`useLayersFromAccount`, `*LayerArn`) are not trusted for them.
  const datadogLayers = `:${DATADOG_LAYER_ACCOUNTS[ctx.partition]}:layer:`;
  if (layersWritten && plan.layers.some((wanted) => wanted.some((layer) => layer.arn.includes(datadogLayers)))) trustDatadogLayers(fn, ctx);
  const handler = plan.runtimeSteps ? planHandler(fn, ctx, readiness(plan, layersWritten, ctx)) : { variables: [] };
  const current = fn.properties.Environment;
  const environment = withVariables(current, environmentFor(fn, ctx), inheritedVariables(fn), handler.variables);
  if (environment === CANNOT_EDIT) {
    const [where, value] = isObject(current) && !isIntrinsic(current) ? ["Environment.Variables", current.Variables] : ["Environment", current];
    ctx.warnings.warn(ENVIRONMENT_NOT_EDITABLE, { resource: fn.logicalId, where, shape: describeShape(value) });
  } else {
    // Checked whatever the macro added, so a second run reports what the first did.
    checkEnvironmentSize(fn, environment, ctx);
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

/** Lambda rejects functions whose environment variables take more than 4 KB in all. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

function checkEnvironmentSize(fn: FunctionModel, environment: unknown, ctx: InstrumentContext): void {
  const plain = own(environment, "Variables");
  if (isObject(plain) && !isIntrinsic(plain)) {
    if (environmentBytes(plain) > ENVIRONMENT_LIMIT_BYTES) ctx.warnings.warn(ENVIRONMENT_TOO_LARGE, { resource: fn.logicalId });
    return;
  }
  for (const branch of literalBranches(environment) ?? []) {
    const variables = own(branch, "Variables");
    if (isObject(variables) && environmentBytes(variables) > ENVIRONMENT_LIMIT_BYTES) {
      ctx.warnings.warn(ENVIRONMENT_TOO_LARGE, { resource: fn.logicalId });
      return;
    }
  }
}

function environmentBytes(variables: Record<string, Json>): number {
  let units = 0;
  for (const name in variables) {
    const value = variables[name];
    units += name.length + (typeof value === "string" ? value.length : 0);
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes exactly only when the limit is within reach.
  if (units * 3 <= ENVIRONMENT_LIMIT_BYTES) return units;
  let bytes = 0;
  for (const name in variables) {
    const value = variables[name];
    bytes += Buffer.byteLength(name) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
  }
  return bytes;
}
