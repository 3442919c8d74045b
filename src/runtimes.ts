/**
 * Runtime table: one entry per runtime family. Each family's naming pattern derives the
 * Datadog layer name, so a runtime released after this table (python3.15, nodejs26.x, ruby4.1)
 * is still instrumented; it is only reported as "newer than our table".
 */

export type Architecture = "x86_64" | "arm64";
export type RuntimeFamily = "python" | "nodejs" | "java" | "dotnet" | "ruby" | "provided";
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

interface FamilySpec {
  family: RuntimeFamily;
  pattern: RegExp;
  /** The parameter giving the library layer's version; absent for families that only get the extension. */
  layerVersionParameter?: LayerVersionParameter;
  /** The parameter that replaces the library layer's ARN altogether. */
  layerArnParameter?: LayerArnParameter;
  /** Library layer name for this runtime and architecture; undefined when Datadog publishes none. */
  layerName?: (match: RegExpExecArray, architecture: Architecture) => string | undefined;
  redirect: Redirect;
}

const ARM = (architecture: Architecture) => (architecture === "arm64" ? "-ARM" : "");

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
    // Datadog publishes arm64 Python layers from 3.8 on.
    layerName: (m, arch) => {
      const major = Number(m[1]);
      const minor = Number(m[2]);
      if (arch === "arm64" && major === 3 && minor < 8) return undefined;
      return `Datadog-Python${major}${minor}${ARM(arch)}`;
    },
    redirect: { kind: "handler", withLayers: PYTHON_HANDLER, withoutLayers: PYTHON_HANDLER },
  },
  {
    family: "nodejs",
    pattern: /^nodejs(\d+)\.x$/,
    layerVersionParameter: "nodeLayerVersion",
    layerArnParameter: "nodeLayerArn",
    // One Node layer serves both architectures.
    layerName: (m) => `Datadog-Node${Number(m[1])}-x`,
    redirect: { kind: "handler", withLayers: NODE_HANDLER_WITH_LAYER, withoutLayers: NODE_HANDLER_WITHOUT_LAYER },
  },
  {
    family: "java",
    pattern: /^java(\d+)(\.al2)?$/,
    layerVersionParameter: "javaLayerVersion",
    layerArnParameter: "javaLayerArn",
    layerName: () => "dd-trace-java",
    redirect: { kind: "execWrapper", path: EXEC_WRAPPER },
  },
  {
    family: "dotnet",
    pattern: /^dotnet(core)?(\d+(\.\d+)?)$/,
    layerVersionParameter: "dotnetLayerVersion",
    layerArnParameter: "dotnetLayerArn",
    layerName: (_m, arch) => `dd-trace-dotnet${ARM(arch)}`,
    redirect: { kind: "execWrapper", path: EXEC_WRAPPER },
  },
  {
    family: "ruby",
    pattern: /^ruby(\d+)\.(\d+)$/,
    layerVersionParameter: "rubyLayerVersion",
    layerArnParameter: "rubyLayerArn",
    layerName: (m, arch) => `Datadog-Ruby${Number(m[1])}-${Number(m[2])}${ARM(arch)}`,
    // The Ruby library wraps handlers in code; there is no handler to redirect to.
    redirect: { kind: "none" },
  },
  {
    family: "provided",
    pattern: /^provided(\.al2(023)?)?$/,
    redirect: { kind: "none" },
  },
];

/** Runtimes this release was written for; others matching a family pattern are instrumented with a warning. */
export const KNOWN_RUNTIMES: readonly string[] = [
  "python3.7", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
  "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
  "java8", "java8.al2", "java11", "java17", "java21", "java25",
  "dotnet6", "dotnet8", "dotnet10",
  "ruby3.2", "ruby3.3", "ruby3.4",
  "provided", "provided.al2", "provided.al2023",
];

export interface RuntimeInfo {
  runtime: string;
  family: RuntimeFamily;
  layerVersionParameter?: LayerVersionParameter;
  layerArnParameter?: LayerArnParameter;
  redirect: Redirect;
  /** Where the runtime stands against KNOWN_RUNTIMES: listed, or newer/older than its family's entries. */
  tableStatus: "known" | "newer" | "older";
  layerName(architecture: Architecture): string | undefined;
}

const runtimeCache = new Map<string, RuntimeInfo | undefined>();

/** The runtime's family and layer naming; memoised, since a template repeats a few runtimes many times. */
export function runtimeInfo(runtime: string): RuntimeInfo | undefined {
  if (!runtimeCache.has(runtime)) runtimeCache.set(runtime, readRuntime(runtime));
  return runtimeCache.get(runtime);
}

function readRuntime(runtime: string): RuntimeInfo | undefined {
  for (const spec of FAMILIES) {
    const match = spec.pattern.exec(runtime);
    if (!match) continue;
    return {
      runtime,
      family: spec.family,
      layerVersionParameter: spec.layerVersionParameter,
      layerArnParameter: spec.layerArnParameter,
      redirect: spec.redirect,
      tableStatus: tableStatus(runtime, spec),
      layerName: (architecture) => spec.layerName?.(match, architecture),
    };
  }
  return undefined;
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

function tableStatus(runtime: string, spec: FamilySpec): RuntimeInfo["tableStatus"] {
  if (KNOWN_RUNTIMES.includes(runtime)) return "known";
  const version = versionNumbers(runtime);
  const newest = KNOWN_RUNTIMES.filter((known) => spec.pattern.test(known))
    .map(versionNumbers)
    .reduce((max, candidate) => (compareVersions(candidate, max) > 0 ? candidate : max), [] as number[]);
  return compareVersions(version, newest) > 0 ? "newer" : "older";
}

export function extensionLayerName(architecture: Architecture, fips: boolean): string {
  return `Datadog-Extension${ARM(architecture)}${fips ? "-FIPS" : ""}`;
}

/**
 * The slot a Datadog layer fills: a runtime family's library, or the extension. A function holds at most
 * one layer per slot, so a Datadog layer in the same slot (other version, architecture or runtime
 * version) is replaced rather than added beside. Undefined for layers that are not Datadog's.
 */
export function datadogLayerSlot(name: string): RuntimeFamily | "extension" | undefined {
  if (!slotCache.has(name)) slotCache.set(name, readSlot(name));
  return slotCache.get(name);
}

const slotCache = new Map<string, RuntimeFamily | "extension" | undefined>();

function readSlot(name: string): RuntimeFamily | "extension" | undefined {
  if (/^Datadog-Extension(-ARM)?(-FIPS)?$/.test(name)) return "extension";
  if (/^Datadog-Python\d+(-ARM)?$/.test(name)) return "python";
  if (/^Datadog-Node\d+-x$/.test(name)) return "nodejs";
  if (/^Datadog-Ruby\d+-\d+(-ARM)?$/.test(name)) return "ruby";
  if (/^dd-trace-java$/.test(name)) return "java";
  if (/^dd-trace-dotnet(-ARM)?$/.test(name)) return "dotnet";
  return undefined;
}

/** All handler values that already point at the Datadog library. */
export const DATADOG_HANDLERS: readonly string[] = [PYTHON_HANDLER, NODE_HANDLER_WITH_LAYER, NODE_HANDLER_WITHOUT_LAYER];
