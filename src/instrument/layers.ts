/** Adds the Datadog library and extension layers a function needs, replacing stale Datadog layers in place. */
import { CANNOT_EDIT, editBranches, isObject, literalBranches, stringLeaves, type Json } from "../intrinsics";
import { properties, writableProperties, type FunctionModel } from "../discover";
import { layerArn, parseLayerArn } from "../partitions";
import { datadogLayerSlot, extensionLayerName } from "../runtimes";
import type { InstrumentContext } from "./context";

/** Lambda's limit on layers per function. */
const MAX_LAYERS = 5;

export interface DesiredLayer {
  name: string;
  arn: string;
  slot: string;
}

/** The Datadog layers this function should carry, given its runtime and architecture. */
export function desiredLayers(fn: FunctionModel, ctx: InstrumentContext): DesiredLayer[] {
  const { config } = ctx;
  const info = fn.runtimeInfo;
  const architecture = fn.architecture;
  if (fn.packageType !== "Zip" || !info || !architecture) return [];
  const layers: DesiredLayer[] = [];
  const make = (name: string, version: number, slot: string): DesiredLayer => ({
    name,
    arn: layerArn(ctx.partition, ctx.region, ctx.layerAccount, name, version),
    slot,
  });
  if (config.addLayers && info.layerVersionParameter) {
    const version = config[info.layerVersionParameter];
    const name = info.layerName(architecture);
    if (name === undefined) {
      ctx.report.warn(`${fn.logicalId}: Datadog publishes no ${architecture} layer for ${info.runtime}; the library layer was not added.`);
    } else if (version !== undefined) {
      layers.push(make(name, version, info.family));
    }
  }
  if (ctx.extension && config.extensionLayerVersion !== undefined) {
    layers.push(make(extensionLayerName(architecture, config.lambdaFips === true), config.extensionLayerVersion, "extension"));
  }
  return layers;
}

/** The Datadog layers to put on the function itself: a Datadog layer in SAM Globals is kept instead. */
function wantedLayers(fn: FunctionModel, ctx: InstrumentContext): DesiredLayer[] {
  const inherited = literalLayerNames(fn.globals.Layers);
  return desiredLayers(fn, ctx).filter((layer) => {
    // A Datadog layer in Globals is the user's choice for every function: keep it, add nothing beside it.
    const fromGlobals = inherited.find((name) => datadogLayerSlot(name) === layer.slot);
    if (fromGlobals !== undefined && fromGlobals !== layer.name) {
      ctx.report.warn(`${fn.logicalId}: Globals.Function.Layers already has ${fromGlobals}; ${layer.name} was not added.`);
    }
    return fromGlobals === undefined;
  });
}

/**
 * An error when adding Datadog's layers would take the function past Lambda's limit: deploying it
 * would fail, and leaving the layers out would break a redirected handler, so the user must choose.
 */
export function layerLimitProblem(fn: FunctionModel, ctx: InstrumentContext): string | undefined {
  const wanted = wantedLayers(fn, ctx);
  if (wanted.length === 0) return undefined;
  const fromGlobals = fn.kind === "serverless" && Array.isArray(fn.globals.Layers) ? fn.globals.Layers.length : 0;
  const branches = literalBranches(properties(fn.resource).Layers) ?? [];
  // Cheap bound first: most functions are far from the limit even if nothing is replaced.
  const longest = Math.max(0, ...branches.map((branch) => (Array.isArray(branch) ? branch.length : 0)));
  if (longest + wanted.length + fromGlobals <= MAX_LAYERS) return undefined;
  let most = 0;
  for (const branch of branches) {
    if (branch === undefined || Array.isArray(branch)) most = Math.max(most, (withLayers(branch && [...branch], wanted)?.length ?? 0) + fromGlobals);
  }
  if (most <= MAX_LAYERS) return undefined;
  return `${fn.logicalId} would have ${most} layers with Datadog's (${wanted.map((l) => l.name).join(", ")}), but Lambda allows ${MAX_LAYERS}; remove layers it does not need, list it in \`exclude\`, or set \`addLayers: false\` and bundle the Datadog library.`;
}

export function applyLayers(fn: FunctionModel, ctx: InstrumentContext): void {
  const wanted = wantedLayers(fn, ctx);
  if (wanted.length === 0) return;
  const current = properties(fn.resource).Layers;
  const edited = editBranches(current, (branch) => (branch === undefined || Array.isArray(branch) ? withLayers(branch, wanted) : CANNOT_EDIT));
  if (edited === CANNOT_EDIT) {
    ctx.report.warn(
      `${fn.logicalId}: Layers is an intrinsic function the macro cannot edit; add ${wanted.map((l) => l.arn).join(", ")} yourself.`,
    );
    return;
  }
  if (edited !== current) writableProperties(fn.resource).Layers = edited as Json;
}

/** Puts the wanted layers into `list` (in place; a new list when there was none). */
function withLayers(list: Json[] | undefined, wanted: DesiredLayer[]): Json[] | undefined {
  const next = list ?? [];
  const slots = next.map((entry) => (typeof entry === "string" ? slotOfArn(entry) : undefined));
  for (const layer of wanted) {
    const index = slots.indexOf(layer.slot);
    if (index >= 0) {
      next[index] = layer.arn;
      continue;
    }
    // An entry built with an intrinsic (e.g. `Fn::Sub` with the version) that names the layer is the user's.
    const namedByIntrinsic = next.some((entry) => isObject(entry) && stringLeaves(entry).some((text) => text.includes(`:layer:${layer.name}`)));
    if (!namedByIntrinsic) {
      next.push(layer.arn);
      slots.push(layer.slot);
    }
  }
  return list === undefined && next.length === 0 ? undefined : next;
}

function slotOfArn(arn: string): string | undefined {
  const parsed = parseLayerArn(arn);
  return parsed ? datadogLayerSlot(parsed.name) : undefined;
}

function literalLayerNames(layers: unknown): string[] {
  if (!Array.isArray(layers)) return [];
  return layers.flatMap((entry) => {
    const parsed = typeof entry === "string" ? parseLayerArn(entry) : undefined;
    return parsed ? [parsed.name] : [];
  });
}
