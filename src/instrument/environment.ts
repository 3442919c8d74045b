/**
 * The `DD_*` environment variables each function gets: one per parameter with `sets` in the parameter
 * table, plus the few whose value follows from several parameters.
 */
import { PARAMETERS, PARAMETER_NAMES, type Config, type ParameterName, type ParameterSpec } from "../config/parameters";
import { parseGitData } from "../config/validate";
import type { Json } from "../intrinsics";

type Variables = [string, Json][];

/** Parameters whose variables are not simply their value. */
const DERIVED: Partial<Record<ParameterName, (config: Config, extension: boolean) => Variables>> = {
  // The extension flushes metrics itself; writing them to logs too would count them twice.
  flushMetricsToLogs: (c, extension) => [["DD_FLUSH_TO_LOG", extension ? "false" : String(c.flushMetricsToLogs)]],
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
  injectLogContext: (c, extension) => (c.injectLogContext === undefined ? [] : [["DD_LOGS_INJECTION", extension ? "false" : String(c.injectLogContext)]]),
  tags: (c) => {
    const tags = ddTags(c);
    return tags === undefined ? [] : [["DD_TAGS", tags]];
  },
  site: (c) => [["DD_SITE", c.site.toLowerCase()]],
};

/** `tags` plus the git tags from `gitData`, without duplicate keys (the first occurrence wins). */
export function ddTags(config: Config): string | undefined {
  const pairs = [...(config.tags ?? [])];
  const git = config.gitData === undefined ? undefined : parseGitData(config.gitData);
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
export function datadogEnvironment(config: Config, extension: boolean): Variables {
  const variables: Variables = [];
  for (const name of PARAMETER_NAMES) {
    const derived = DERIVED[name];
    if (derived) {
      variables.push(...derived(config, extension));
      continue;
    }
    const spec: ParameterSpec = PARAMETERS[name];
    const value = config[name];
    if (spec.sets !== undefined && value !== undefined) variables.push([spec.sets, environmentValue(value)]);
  }
  return variables;
}
