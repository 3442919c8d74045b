/**
 * The `DD_*` environment variables each function gets: one per parameter with `sets` in the parameter
 * table, plus the few whose value follows from several parameters.
 */
import { PARAMETERS, PARAMETER_NAMES, type Config, type ParameterName, type ParameterSpec } from "../config/parameters";
import type { Derived } from "../config/derive";
import type { Json } from "../intrinsics";

type Variables = [string, Json][];
/** What the variables depend on besides the parameters. */
type EnvironmentFacts = Pick<Derived, "extension" | "git">;

/** Parameters whose variables are not simply their value. */
const DERIVED: Partial<Record<ParameterName, (config: Config, derived: EnvironmentFacts) => Variables>> = {
  // The extension flushes metrics itself; writing them to logs too would count them twice.
  flushMetricsToLogs: (c, { extension }) => [["DD_FLUSH_TO_LOG", extension ? "false" : String(c.flushMetricsToLogs)]],
  enableDDTracing: (c) => [
    ["DD_TRACE_ENABLED", String(c.enableDDTracing)],
    ...(c.enableDDTracing ? ([["DD_MERGE_XRAY_TRACES", String(c.enableMergeXrayTraces ?? c.enableXrayTracing)]] as Variables) : []),
  ],
  captureCloudServicePayload: (c) =>
    c.captureCloudServicePayload
      ? [
          ["DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING", "all"],
          ["DD_TRACE_CLOUD_RESPONSE_PAYLOAD_TAGGING", "all"],
        ]
      : [],
  // The extension correlates logs itself: injecting as well would double the trace ids.
  injectLogContext: (c, { extension }) => (c.injectLogContext === undefined ? [] : [["DD_LOGS_INJECTION", extension ? "false" : String(c.injectLogContext)]]),
  tags: (c, { git }) => {
    const tags = ddTags(c, git);
    return tags === undefined ? [] : [["DD_TAGS", tags]];
  },
  site: (c) => [["DD_SITE", c.site.toLowerCase()]],
};

/** `tags` plus the git tags from `gitData` (parsed), without duplicate keys (the first occurrence wins). */
export function ddTags(config: Config, git: Derived["git"]): string | undefined {
  const pairs = [...(config.tags ?? [])];
  if (git) pairs.push(`git.commit.sha:${git.sha}`, `git.repository_url:${git.url}`);
  const seen = new Set<string>();
  const unique = pairs.filter((pair) => {
    const key = pair.split(":")[0];
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.length > 0 ? unique.join(",") : undefined;
}

/** Environment values are strings: booleans as "true"/"false", lists comma-joined; deferred values stay intrinsics. */
export function environmentValue(value: unknown): Json {
  if (Array.isArray(value)) return value.join(",");
  if (typeof value === "object" && value !== null) return value as Json;
  return String(value);
}

/** Every DD_* variable the configuration sets, in the parameter table's order. */
export function datadogEnvironment(config: Config, derived: EnvironmentFacts): Variables {
  const variables: Variables = [];
  for (const name of PARAMETER_NAMES) {
    const variablesOf = DERIVED[name];
    if (variablesOf) {
      variables.push(...variablesOf(config, derived));
      continue;
    }
    const spec: ParameterSpec = PARAMETERS[name];
    const value = config[name];
    if (spec.sets !== undefined && value !== undefined) variables.push([spec.sets, environmentValue(value)]);
  }
  return variables;
}
