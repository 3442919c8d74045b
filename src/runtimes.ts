/**
 * Runtime table: one row per runtime this release knows (`RUNTIMES`), and one entry per runtime family
 * (`FAMILIES`) for what is per family: the runtime name pattern, the parameters, the redirect, and how
 * Datadog names the family's layer. A runtime released after this table (one more minor version) is
 * still instrumented, its layer name derived from the family's naming; it is only reported as "newer
 * than our table". Adding a runtime is one row.
 */
import { DEFAULT_LAYER_VERSIONS, type LibraryFamily } from "./layer-versions";

export type Architecture = "x86_64" | "arm64";
export const ARCHITECTURES: readonly Architecture[] = ["x86_64", "arm64"];
export type RuntimeFamily = LibraryFamily | "provided";
export type LayerArnParameter = "pythonLayerArn" | "nodeLayerArn" | "javaLayerArn" | "dotnetLayerArn" | "rubyLayerArn";
export type LayerVersionParameter =
  | "pythonLayerVersion"
  | "nodeLayerVersion"
  | "javaLayerVersion"
  | "dotnetLayerVersion"
  | "rubyLayerVersion";

/** How a family's functions reach the Datadog library. */
export type Redirect =
  | { kind: "handler"; withLayers: string; withoutLayers: string }
  | { kind: "execWrapper"; path: string }
  | { kind: "none" };

/**
 * How Datadog names a layer: `{1}`, `{2}` stand for the runtime's version numbers (the family pattern's
 * groups), the suffixes are added on arm64 and with FIPS. The only place that knows a layer name's shape:
 * names are built from it, and layer names are recognised by it.
 */
interface LayerNaming {
  template: string;
  /** Empty when one layer serves both architectures. */
  arm64Suffix: string;
  fipsSuffix?: string;
}

type FamilySpec = { pattern: RegExp; redirect: Redirect } & (
  | {
      family: LibraryFamily;
      /** The parameter giving the library layer's version. */
      layerVersionParameter: LayerVersionParameter;
      /** The parameter that replaces the library layer's ARN altogether. */
      layerArnParameter: LayerArnParameter;
      naming: LayerNaming;
    }
  // Families that only get the extension.
  | { family: "provided" }
);

export const NODE_HANDLER_WITH_LAYER = "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler";
export const NODE_HANDLER_WITHOUT_LAYER = "node_modules/datadog-lambda-js/dist/handler.handler";
export const PYTHON_HANDLER = "datadog_lambda.handler.handler";
export const EXEC_WRAPPER = "/opt/datadog_wrapper";

export const FAMILIES: readonly FamilySpec[] = [
  {
    family: "python",
    pattern: /^python(\d+)\.(\d+)$/,
    layerVersionParameter: "pythonLayerVersion",
    layerArnParameter: "pythonLayerArn",
    naming: { template: "Datadog-Python{1}{2}", arm64Suffix: "-ARM" },
    redirect: { kind: "handler", withLayers: PYTHON_HANDLER, withoutLayers: PYTHON_HANDLER },
  },
  {
    family: "nodejs",
    pattern: /^nodejs(\d+)\.x$/,
    layerVersionParameter: "nodeLayerVersion",
    layerArnParameter: "nodeLayerArn",
    naming: { template: "Datadog-Node{1}-x", arm64Suffix: "" },
    redirect: { kind: "handler", withLayers: NODE_HANDLER_WITH_LAYER, withoutLayers: NODE_HANDLER_WITHOUT_LAYER },
  },
  {
    family: "java",
    pattern: /^java(\d+)(\.al2)?$/,
    layerVersionParameter: "javaLayerVersion",
    layerArnParameter: "javaLayerArn",
    naming: { template: "dd-trace-java", arm64Suffix: "" },
    redirect: { kind: "execWrapper", path: EXEC_WRAPPER },
  },
  {
    family: "dotnet",
    pattern: /^dotnet(core)?(\d+(\.\d+)?)$/,
    layerVersionParameter: "dotnetLayerVersion",
    layerArnParameter: "dotnetLayerArn",
    naming: { template: "dd-trace-dotnet", arm64Suffix: "-ARM" },
    redirect: { kind: "execWrapper", path: EXEC_WRAPPER },
  },
  {
    family: "ruby",
    pattern: /^ruby(\d+)\.(\d+)$/,
    layerVersionParameter: "rubyLayerVersion",
    layerArnParameter: "rubyLayerArn",
    naming: { template: "Datadog-Ruby{1}-{2}", arm64Suffix: "-ARM" },
    // The Ruby library wraps handlers in code; there is no handler to redirect to.
    redirect: { kind: "none" },
  },
  {
    family: "provided",
    pattern: /^provided(\.al2(023)?)?$/,
    redirect: { kind: "none" },
  },
];

const EXTENSION_NAMING: LayerNaming = { template: "Datadog-Extension", arm64Suffix: "-ARM", fipsSuffix: "-FIPS" };

/**
 * A runtime this release knows. Unless the row says otherwise, Datadog publishes its library layer for
 * both architectures, at its family's current version (`DEFAULT_LAYER_VERSIONS`).
 */
interface RuntimeDeclaration {
  runtime: string;
  /** Datadog publishes no arm64 library layer for it. */
  noArm64?: true;
  /** Datadog no longer publishes new versions of its layer: its default is the last one, when this release knows it. */
  deprecated?: { lastLayerVersion?: number };
}

// One row per runtime, oldest first within a family. Facts: Datadog's plugin's layer tables (see layer-versions.ts).
const DECLARATIONS: readonly RuntimeDeclaration[] = [
  { runtime: "python3.7", noArm64: true, deprecated: { lastLayerVersion: 85 } },
  { runtime: "python3.8" },
  { runtime: "python3.9" },
  { runtime: "python3.10" },
  { runtime: "python3.11" },
  { runtime: "python3.12" },
  { runtime: "python3.13" },
  { runtime: "python3.14" },
  // Not in the plugin's table: its version must be given.
  { runtime: "nodejs14.x", deprecated: {} },
  { runtime: "nodejs16.x", deprecated: { lastLayerVersion: 120 } },
  { runtime: "nodejs18.x" },
  { runtime: "nodejs20.x" },
  { runtime: "nodejs22.x" },
  { runtime: "nodejs24.x" },
  { runtime: "java8" },
  { runtime: "java8.al2" },
  { runtime: "java11" },
  { runtime: "java17" },
  { runtime: "java21" },
  { runtime: "java25" },
  { runtime: "dotnet6" },
  { runtime: "dotnet8" },
  { runtime: "dotnet10" },
  { runtime: "ruby3.2" },
  { runtime: "ruby3.3" },
  { runtime: "ruby3.4" },
  { runtime: "ruby4.0" },
  { runtime: "provided" },
  { runtime: "provided.al2" },
  { runtime: "provided.al2023" },
];

export interface RuntimeRow {
  runtime: string;
  family: RuntimeFamily;
  /** The library layer's name per architecture; undefined where Datadog publishes none. */
  layer: Readonly<Record<Architecture, string | undefined>>;
  /** This release's version of that layer; undefined when the version must be given. */
  defaultVersion: number | undefined;
  deprecated: boolean;
}

function familyOf(runtime: string): { spec: FamilySpec; match: RegExpExecArray } | undefined {
  for (const spec of FAMILIES) {
    const match = spec.pattern.exec(runtime);
    if (match) return { spec, match };
  }
  return undefined;
}

function layerName(naming: LayerNaming, match: RegExpExecArray | undefined, architecture: Architecture, fips = false): string {
  const base = naming.template.replace(/\{(\d)\}/g, (_placeholder, group: string) => String(Number(match?.[Number(group)])));
  return `${base}${architecture === "arm64" ? naming.arm64Suffix : ""}${fips ? (naming.fipsSuffix ?? "") : ""}`;
}

function layerNames(spec: FamilySpec, match: RegExpExecArray, arm64: boolean): RuntimeRow["layer"] {
  if (!("naming" in spec)) return { x86_64: undefined, arm64: undefined };
  return { x86_64: layerName(spec.naming, match, "x86_64"), arm64: arm64 ? layerName(spec.naming, match, "arm64") : undefined };
}

function buildRow({ runtime, noArm64, deprecated }: RuntimeDeclaration): RuntimeRow {
  const found = familyOf(runtime);
  if (found === undefined) throw new Error(`runtime table: ${runtime} matches no runtime family`);
  const { spec, match } = found;
  const library = spec.family === "provided" ? undefined : DEFAULT_LAYER_VERSIONS[spec.family];
  return {
    runtime,
    family: spec.family,
    layer: layerNames(spec, match, noArm64 !== true),
    defaultVersion: library === undefined ? undefined : deprecated ? deprecated.lastLayerVersion : library,
    deprecated: deprecated !== undefined,
  };
}

/** Numbers in a runtime name, for ordering: python3.12 → [3, 12], nodejs20.x → [20]. */
function versionNumbers(runtime: string): number[] {
  return (runtime.match(/\d+/g) ?? []).map(Number);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The runtimes this release was written for; others matching a family pattern are instrumented with a warning. */
export const RUNTIMES: readonly RuntimeRow[] = DECLARATIONS.map(buildRow);

const ROWS_BY_RUNTIME = new Map(RUNTIMES.map((row) => [row.runtime, row]));

/** Each family's oldest and newest rows: a runtime outside the table is placed against them. */
const FAMILY_BOUNDS = new Map<RuntimeFamily, { oldest: RuntimeRow; newest: RuntimeRow }>();
for (const row of RUNTIMES) {
  const bounds = FAMILY_BOUNDS.get(row.family);
  const version = versionNumbers(row.runtime);
  if (bounds === undefined) FAMILY_BOUNDS.set(row.family, { oldest: row, newest: row });
  else if (compareVersions(version, versionNumbers(bounds.newest.runtime)) > 0) bounds.newest = row;
  else if (compareVersions(version, versionNumbers(bounds.oldest.runtime)) < 0) bounds.oldest = row;
}

export interface RuntimeInfo {
  runtime: string;
  family: RuntimeFamily;
  layerVersionParameter?: LayerVersionParameter;
  layerArnParameter?: LayerArnParameter;
  redirect: Redirect;
  /** Where the runtime stands against `RUNTIMES`: a row, or newer/older than its family's rows. */
  tableStatus: "known" | "newer" | "older";
  /** This release's version of the runtime's library layer; undefined when it must be given (any runtime outside the table). */
  defaultVersion: number | undefined;
  layerName(architecture: Architecture): string | undefined;
}

const runtimeCache = new Map<string, RuntimeInfo | undefined>();

/** The runtime's family and layer naming; memoised, since a template repeats a few runtimes many times. */
export function runtimeInfo(runtime: string): RuntimeInfo | undefined {
  if (!runtimeCache.has(runtime)) runtimeCache.set(runtime, readRuntime(runtime));
  return runtimeCache.get(runtime);
}

function readRuntime(runtime: string): RuntimeInfo | undefined {
  const found = familyOf(runtime);
  if (found === undefined) return undefined;
  const { spec, match } = found;
  const row = ROWS_BY_RUNTIME.get(runtime);
  const tableStatus = row !== undefined ? "known" : placeAgainstTable(runtime, spec.family);
  // Outside the table, the layer exists on an architecture when it does for the family's nearest row.
  const nearest = row ?? (tableStatus === "newer" ? newestRow(spec.family) : FAMILY_BOUNDS.get(spec.family)?.oldest);
  const layer = row?.layer ?? layerNames(spec, match, nearest === undefined || nearest.layer.arm64 !== undefined);
  return {
    runtime,
    family: spec.family,
    ...("naming" in spec ? { layerVersionParameter: spec.layerVersionParameter, layerArnParameter: spec.layerArnParameter } : {}),
    redirect: spec.redirect,
    tableStatus,
    defaultVersion: row?.defaultVersion,
    layerName: (architecture) => layer[architecture],
  };
}

/** The family's newest row: runtimes above it are newer than the table. */
export function newestRow(family: RuntimeFamily): RuntimeRow | undefined {
  return FAMILY_BOUNDS.get(family)?.newest;
}

function placeAgainstTable(runtime: string, family: RuntimeFamily): "newer" | "older" {
  const newest = newestRow(family);
  return newest === undefined || compareVersions(versionNumbers(runtime), versionNumbers(newest.runtime)) > 0 ? "newer" : "older";
}

export function extensionLayerName(architecture: Architecture, fips: boolean): string {
  return layerName(EXTENSION_NAMING, undefined, architecture, fips);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const optional = (suffix: string | undefined) => (suffix ? `(?:${escapeRegExp(suffix)})?` : "");

/** Every name the naming can give, for any version numbers, architecture and FIPS. */
function namePattern(naming: LayerNaming): RegExp {
  const base = naming.template.split(/(?:\{\d\})+/).map(escapeRegExp).join("\\d+");
  return new RegExp(`^${base}${optional(naming.arm64Suffix)}${optional(naming.fipsSuffix)}$`);
}

/** Compiled once: which Datadog layer names belong to which slot. */
const SLOT_PATTERNS: readonly { slot: RuntimeFamily | "extension"; pattern: RegExp }[] = [
  { slot: "extension", pattern: namePattern(EXTENSION_NAMING) },
  ...FAMILIES.flatMap((spec) => ("naming" in spec ? [{ slot: spec.family, pattern: namePattern(spec.naming) }] : [])),
];

/**
 * The slot a Datadog layer fills: a runtime family's library, or the extension. A function holds at most
 * one layer per slot, so a Datadog layer in the same slot (other version, architecture or runtime
 * version) is replaced rather than added beside. Undefined for layers that are not Datadog's.
 */
export function datadogLayerSlot(name: string): RuntimeFamily | "extension" | undefined {
  if (!slotCache.has(name)) slotCache.set(name, SLOT_PATTERNS.find(({ pattern }) => pattern.test(name))?.slot);
  return slotCache.get(name);
}

const slotCache = new Map<string, RuntimeFamily | "extension" | undefined>();

/** All handler values that already point at the Datadog library. */
export const DATADOG_HANDLERS: readonly string[] = [PYTHON_HANDLER, NODE_HANDLER_WITH_LAYER, NODE_HANDLER_WITHOUT_LAYER];
