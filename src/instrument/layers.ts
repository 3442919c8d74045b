/** The Datadog library and extension layers a function needs, replacing stale Datadog layers in place. */
import { branchUnder, CANNOT_EDIT, conditionalValue, editBranches, isObject, literalBranches, stringLeaves, type Json } from "../intrinsics";
import type { FunctionModel, Variant } from "../model";
import { layerArn, parseLayerArn } from "../partitions";
import { LAYER_IN_GLOBALS, LAYER_LIMIT, LAYERS_NOT_EDITABLE, NO_LAYER_FOR_ARCHITECTURE, type Report } from "../rules";
import { DEFAULT_LAYER_VERSIONS } from "../layer-versions";
import { datadogLayerSlot, extensionLayerName } from "../runtimes";
import type { PinnedLayer } from "../lookup/layer-checks";
import type { InstrumentContext } from "./context";

/** Lambda's limit on layers per function. */
export const MAX_LAYERS = 5;

export interface DesiredLayer {
  name: string;
  arn: string;
  slot: string;
  /** The parameter that chose this version (a `*LayerVersion` or `*LayerArn`); none for this release's defaults. */
  parameter?: string;
}

interface LayerChoice {
  layers: DesiredLayer[];
  /** The runtime has no library layer for the architecture. */
  missingLibrary: boolean;
  /** `name:version` of the layers whose version is this release's default (no parameter given). */
  defaulted: string[];
}

/** Layer choices per variant (variants of literal runtimes are shared), computed once per transform. */
export type LayerCache = Map<Variant | string, LayerChoice>;

/** The Datadog layers a variant of a function should carry. */
export function layerChoice(variant: Variant, packageType: FunctionModel["packageType"], ctx: InstrumentContext, cache: LayerCache): LayerChoice {
  const key = packageType === "Zip" && Object.isFrozen(variant) ? variant : `${packageType}|${variant.runtime}|${variant.architecture}`;
  let choice = cache.get(key);
  if (choice === undefined) {
    choice = computeChoice(variant, packageType, ctx);
    cache.set(key, choice);
  }
  return choice;
}

function computeChoice(variant: Variant, packageType: FunctionModel["packageType"], ctx: InstrumentContext): LayerChoice {
  const { config } = ctx;
  const info = variant.info;
  const defaulted: string[] = [];
  if (packageType !== "Zip" || !info) return { layers: [], missingLibrary: false, defaulted };
  const layers: DesiredLayer[] = [];
  const make = (name: string, version: number, slot: string, parameter: string | undefined): DesiredLayer => ({
    name,
    arn: layerArn(ctx.partition, ctx.region, ctx.layerAccount, name, version),
    slot,
    ...(parameter === undefined ? {} : { parameter }),
  });
  /** A layer ARN given as a parameter replaces Datadog's (mirrors, private copies, other partitions). */
  const given = (arn: string, slot: string, parameter: string): DesiredLayer => ({ name: parseLayerArn(arn)?.name ?? arn, arn, slot, parameter });
  let missingLibrary = false;
  if (config.addLayers && info.layerVersionParameter) {
    const arnParameter = info.layerArnParameter;
    const override = arnParameter === undefined ? undefined : config[arnParameter];
    const name = info.layerName(variant.architecture);
    if (arnParameter !== undefined && override !== undefined) layers.push(given(override, info.family, arnParameter));
    else if (name === undefined) missingLibrary = true;
    else {
      const pinned = config[info.layerVersionParameter];
      const version = pinned ?? info.defaultVersion;
      if (version !== undefined) layers.push(make(name, version, info.family, pinned === undefined ? undefined : info.layerVersionParameter));
      if (pinned === undefined && version !== undefined) defaulted.push(`${name}:${version}`);
    }
  }
  if (ctx.derived.extension) {
    const name = extensionLayerName(variant.architecture, config.lambdaFips === true);
    if (config.extensionLayerArn !== undefined) layers.push(given(config.extensionLayerArn, "extension", "extensionLayerArn"));
    else {
      const pinned = config.extensionLayerVersion === undefined ? undefined : "extensionLayerVersion";
      layers.push(make(name, config.extensionLayerVersion ?? DEFAULT_LAYER_VERSIONS.extension, "extension", pinned));
      if (config.extensionLayerVersion === undefined) defaulted.push(`${name}:${DEFAULT_LAYER_VERSIONS.extension}`);
    }
  }
  return { layers, missingLibrary, defaulted };
}

/** The `name:version` of every layer given this release's default version in this transform. */
export function defaultedLayers(cache: LayerCache): string[] {
  const all = new Set<string>();
  for (const choice of cache.values()) for (const layer of choice.defaulted) all.add(layer);
  return [...all].sort();
}

/**
 * The distinct layer versions, chosen by a parameter, that the plans put on some function: the ones
 * worth checking before deploy (this release's defaults are known to exist).
 */
export function pinnedLayers(plans: readonly DesiredLayer[][][]): PinnedLayer[] {
  const pinned = new Map<string, PinnedLayer>();
  for (const variants of plans) {
    for (const layers of variants) for (const { arn, parameter } of layers) if (parameter !== undefined && !pinned.has(arn)) pinned.set(arn, { arn, parameter });
  }
  return [...pinned.values()];
}

/**
 * The layers to put on the function itself, per variant: a Datadog layer in SAM Globals is the user's
 * choice for every function, so it is kept and nothing is added beside it. Warns once per function.
 */
export function planLayers(fn: FunctionModel, ctx: InstrumentContext, cache: LayerCache, report: Report): DesiredLayer[][] {
  const inherited = fn.kind === "serverless" ? literalLayerNames(fn.globals.Layers) : NO_NAMES;
  let warned: Set<string> | undefined;
  const plans = fn.variants.map((variant) => {
    const choice = layerChoice(variant, fn.packageType, ctx, cache);
    warned ??= choice.missingLibrary || inherited.length > 0 ? new Set() : undefined;
    if (choice.missingLibrary && !warned!.has(`arch:${variant.runtime}`)) {
      warned!.add(`arch:${variant.runtime}`);
      report.warn(NO_LAYER_FOR_ARCHITECTURE, { resource: fn.logicalId, architecture: variant.architecture, runtime: variant.runtime ?? "" });
    }
    if (inherited.length === 0) return choice.layers;
    return choice.layers.filter((layer) => {
      const fromGlobals = inherited.find((name) => datadogLayerSlot(name) === layer.slot);
      if (fromGlobals !== undefined && fromGlobals !== layer.name && !warned!.has(layer.name)) {
        warned!.add(layer.name);
        report.warn(LAYER_IN_GLOBALS, { resource: fn.logicalId, existing: fromGlobals, wanted: layer.name });
      }
      return fromGlobals === undefined;
    });
  });
  checkLayerLimit(fn, plans, report);
  return plans;
}

/** Deploying past Lambda's limit would fail, and leaving layers out would break a redirected handler: the user must choose. */
function checkLayerLimit(fn: FunctionModel, plans: DesiredLayer[][], report: Report): void {
  let most = 0;
  for (const wanted of plans) most = Math.max(most, wanted.length);
  if (most === 0) return;
  const fromGlobals = fn.kind === "serverless" && Array.isArray(fn.globals.Layers) ? fn.globals.Layers.length : 0;
  const current = fn.properties.Layers;
  // Cheap bound first: most functions are far from the limit even if nothing is replaced.
  if ((Array.isArray(current) ? current.length : current === undefined ? 0 : MAX_LAYERS) + most + fromGlobals <= MAX_LAYERS) return;
  const branches = literalBranches(current) ?? [];
  for (const wanted of plans) {
    let count = 0;
    for (const branch of branches) {
      if (branch === undefined || Array.isArray(branch)) count = Math.max(count, (withLayers(branch as Json[] | undefined, wanted)?.length ?? 0) + fromGlobals);
    }
    if (count > MAX_LAYERS) {
      report.error(LAYER_LIMIT, { resource: fn.logicalId, count, layers: wanted.map((l) => l.name), limit: MAX_LAYERS });
      return;
    }
  }
}

/** Writes the planned layers; false when `Layers` cannot be edited (then none of them is there). */
export function applyLayers(fn: FunctionModel, plans: DesiredLayer[][], ctx: InstrumentContext): boolean {
  const current = fn.properties.Layers;
  if (plans.length === 1) {
    // One runtime and architecture: the common case, without building cases.
    const wanted = plans[0];
    if (wanted.length === 0) return true;
    const edited = Array.isArray(current) || current === undefined ? withLayers(current as Json[] | undefined, wanted) : editLayers(current, wanted);
    if (edited === CANNOT_EDIT) {
      ctx.warnings.warn(LAYERS_NOT_EDITABLE, { resource: fn.logicalId, arns: wanted.map((layer) => layer.arn) });
      return false;
    }
    if (edited !== current) ctx.draft.properties(fn.logicalId).Layers = edited as Json;
    return true;
  }
  if (plans.every((wanted) => wanted.length === 0)) return true;
  // Each variant edits the part of the current value that applies under its conditions, so a template
  // the macro already transformed (Layers already an Fn::If on the same conditions) comes back unchanged.
  const edits = plans.map((wanted, i) => {
    const applicable = branchUnder(current, fn.variants[i].when);
    return wanted.length === 0 ? applicable : editLayers(applicable, wanted);
  });
  if (edits.some((edited) => edited === CANNOT_EDIT)) {
    const arns = [...new Set(plans.flat().map((layer) => layer.arn))];
    ctx.warnings.warn(LAYERS_NOT_EDITABLE, { resource: fn.logicalId, arns });
    return false;
  }
  const edited = conditionalValue(fn.variants.map((variant, i) => ({ value: i, when: variant.when })), (i) => edits[i] as Json | undefined);
  if (edited !== current) ctx.draft.properties(fn.logicalId).Layers = edited as Json;
  return true;
}

/** The Datadog slots (library families, extension) SAM Globals gives every function. */
export function inheritedSlots(fn: FunctionModel): Set<string> {
  const slots = new Set<string>();
  if (fn.kind === "serverless") for (const name of literalLayerNames(fn.globals.Layers)) slots.add(datadogLayerSlot(name) ?? "");
  return slots;
}

function editLayers(current: unknown, wanted: DesiredLayer[]): unknown {
  return editBranches(current, (branch) => (branch === undefined || Array.isArray(branch) ? withLayers(branch as Json[] | undefined, wanted) : CANNOT_EDIT));
}

/** `list` with the wanted layers: a new list, or `list` itself when it already holds them. */
export function withLayers(list: Json[] | undefined, wanted: DesiredLayer[]): Json[] | undefined {
  const source = list ?? NONE;
  let next: Json[] | undefined;
  const slots: (string | undefined)[] = [];
  for (const entry of source) slots.push(typeof entry === "string" ? slotOfArn(entry) : undefined);
  for (const layer of wanted) {
    // Already there (a layer ARN given as a parameter has no Datadog name to tell its slot by).
    if ((next ?? source).includes(layer.arn)) continue;
    const index = slots.indexOf(layer.slot);
    if (index >= 0) {
      if ((next ?? source)[index] !== layer.arn) {
        next ??= [...source];
        next[index] = layer.arn;
      }
      continue;
    }
    // An entry built with an intrinsic (e.g. `Fn::Sub` with the version) that names the layer is the user's.
    const namedByIntrinsic = source.some((entry) => isObject(entry) && stringLeaves(entry).some((text) => text.includes(`:layer:${layer.name}`)));
    if (!namedByIntrinsic) {
      next ??= [...source];
      next.push(layer.arn);
      slots.push(layer.slot);
    }
  }
  return next ?? list;
}

const NONE: Json[] = [];
const NO_NAMES: string[] = [];
const slotCache = new Map<string, string | undefined>();

function slotOfArn(arn: string): string | undefined {
  if (slotCache.has(arn)) return slotCache.get(arn);
  const parsed = parseLayerArn(arn);
  const slot = parsed ? datadogLayerSlot(parsed.name) : undefined;
  // Bounded: a template cannot grow the cache without limit.
  if (slotCache.size < 1000) slotCache.set(arn, slot);
  return slot;
}

function literalLayerNames(layers: unknown): string[] {
  if (!Array.isArray(layers)) return [];
  return layers.flatMap((entry) => {
    const parsed = typeof entry === "string" ? parseLayerArn(entry) : undefined;
    return parsed ? [parsed.name] : [];
  });
}
