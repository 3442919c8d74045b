/** The `DD_*` environment variables each function gets, declared as one table. */
import type { Config } from "../config/parameters";
import { parseGitData } from "../config/validate";
import { describeShape, isIntrinsic, isObject, literalBranches, type JsonObject } from "../intrinsics";
import { properties, type FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { addEnvironmentVariables } from "./environment-edit";

type Source = (config: Config, extension: boolean) => string | boolean | number | string[] | undefined;

/** Variable name → how its value follows from the configuration (undefined: not written). */
export const ENVIRONMENT_VARIABLES: ReadonlyArray<readonly [string, Source]> = [
  ["DD_API_KEY", (c) => c.apiKey],
  ["DD_API_KEY_SECRET_ARN", (c) => c.apiKeySecretArn],
  ["DD_API_KEY_SSM_ARN", (c) => c.apiKeySsmArn],
  ["DD_KMS_API_KEY", (c) => c.apiKMSKey],
  ["DD_SITE", (c) => c.site.toLowerCase()],
  ["DD_LOG_LEVEL", (c) => c.logLevel],
  // The extension flushes metrics itself; writing them to logs too would count them twice.
  ["DD_FLUSH_TO_LOG", (c, extension) => (extension ? false : c.flushMetricsToLogs)],
  ["DD_ENHANCED_METRICS", (c) => c.enableEnhancedMetrics],
  ["DD_TRACE_ENABLED", (c) => c.enableDDTracing],
  ["DD_MERGE_XRAY_TRACES", (c) => (c.enableDDTracing ? c.enableXrayTracing : undefined)],
  ["DD_SERVERLESS_LOGS_ENABLED", (c) => c.enableDDLogs],
  ["DD_CAPTURE_LAMBDA_PAYLOAD", (c) => c.captureLambdaPayload],
  ["DD_SERVICE", (c) => c.service],
  ["DD_ENV", (c) => c.env],
  ["DD_VERSION", (c) => c.version],
  ["DD_TAGS", (c) => ddTags(c)],
  ["DD_COLD_START_TRACING", (c) => c.enableColdStartTracing],
  ["DD_MIN_COLD_START_DURATION", (c) => c.minColdStartTraceDuration],
  ["DD_COLD_START_TRACE_SKIP_LIB", (c) => c.coldStartTraceSkipLibs],
  ["DD_PROFILING_ENABLED", (c) => c.enableProfiling],
  ["DD_ENCODE_AUTHORIZER_CONTEXT", (c) => c.encodeAuthorizerContext],
  ["DD_DECODE_AUTHORIZER_CONTEXT", (c) => c.decodeAuthorizerContext],
  ["DD_APM_FLUSH_DEADLINE_MILLISECONDS", (c) => c.apmFlushDeadline],
  ["DD_LLMOBS_ENABLED", (c) => c.llmObsEnabled],
  ["DD_LLMOBS_ML_APP", (c) => c.llmObsMlApp],
  ["DD_LLMOBS_AGENTLESS_ENABLED", (c) => c.llmObsAgentlessEnabled],
  ["DD_LAMBDA_FIPS_MODE", (c) => c.lambdaFips],
  ["DD_APPSEC_ENABLED", (c) => (c.appsecEnabled ? true : undefined)],
];

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

/** Environment values are strings: booleans as "true"/"false", lists comma-joined. */
export function environmentValue(value: string | boolean | number | string[]): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

export function datadogEnvironment(config: Config, extension: boolean): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, source] of ENVIRONMENT_VARIABLES) {
    const value = source(config, extension);
    if (value !== undefined) variables[name] = environmentValue(value);
  }
  return variables;
}

/** Lambda rejects functions whose environment variables take more than 4 KB in all. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

function environmentBytes(variables: JsonObject): number {
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

export function applyEnvironment(fn: FunctionModel, ctx: InstrumentContext): void {
  const added = addEnvironmentVariables(fn, ctx.environment);
  for (const environment of literalBranches(properties(fn.resource).Environment) ?? []) {
    const variables = isObject(environment) ? environment.Variables : undefined;
    if (isObject(variables) && environmentBytes(variables) > ENVIRONMENT_LIMIT_BYTES) {
      ctx.report.warn(`${fn.logicalId}: its environment variables now exceed Lambda's 4 KB limit; shorten some values (DD_TAGS is often the longest).`);
    }
  }
  if (!added) {
    const environment = properties(fn.resource).Environment;
    const [where, value] = isObject(environment) && !isIntrinsic(environment) ? ["Environment.Variables", environment.Variables] : ["Environment", environment];
    ctx.report.warn(
      `${fn.logicalId}: ${where} is ${describeShape(value)}, which the macro cannot edit; add the DD_* variables yourself (see README.md, "Environment variables").`,
    );
  }
}
