/** Cross-field rules on the loaded configuration; every problem is reported, not just the first. */
import { DATADOG_SITES, GOV_SITES } from "../sites";
import {
  APPSEC_NEEDS_EXTENSION,
  CUSTOM_HANDLER_UNUSED,
  EXTENSION_NEEDS_KEY,
  FIPS_SITE,
  DUPLICATE_SPELLING,
  FORMAT,
  FORWARDER_ELSEWHERE,
  LLMOBS_NEEDS_APP,
  NEEDS_FORWARDER,
  ONE_API_KEY,
  SSM_KEY_WITHOUT_EXTENSION,
  UNKNOWN_SITE,
  type Report,
} from "../rules";
import { PARAMETERS, PARAMETER_NAMES, type Config, type Format, type ParameterSpec } from "./parameters";

const API_KEY_PARAMETERS = ["apiKey", "apiKeySecretArn", "apiKeySsmArn", "apiKMSKey"] as const;
/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Lambda's limit on `Handler` (CreateFunction API reference). */
export const MAX_HANDLER_LENGTH = 128;
const HANDLER_PATTERN = new RegExp(`^\\S{1,${MAX_HANDLER_LENGTH}}$`);

/** Each checked form: how to recognise it, and how the message describes it. */
export const FORMATS: Record<Format, { test: (value: unknown) => boolean; expected: string }> = {
  arn: { test: (v) => typeof v === "string" && /^arn:aws[\w-]*:[\w-]+:/.test(v), expected: "an ARN (arn:aws:...)" },
  accountId: { test: (v) => typeof v === "string" && /^\d{12}$/.test(v), expected: "a 12-digit AWS account id" },
  mlApp: { test: (v) => typeof v === "string" && /^[A-Za-z0-9_\-:./]{1,193}$/.test(v), expected: "1 to 193 characters of letters, digits, `_`, `-`, `.`, `:` and `/`" },
  gitData: { test: (v) => typeof v === "string" && parseGitData(v) !== undefined, expected: "`<commit sha>,<repository url>`, for example `1a2b3c4,https://github.com/acme/app`" },
  logRetention: { test: (v) => v === 0 || LOG_RETENTION_DAYS.includes(v as number), expected: `0 (never expire) or one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(", ")}` },
  appSecMode: { test: (v) => typeof v === "string" && (APPSEC_MODES as readonly string[]).includes(v), expected: "one of `off`, `on`, `tracer`, `extension`" },
  handler: { test: (v) => typeof v === "string" && HANDLER_PATTERN.test(v), expected: `a Lambda handler: 1 to ${MAX_HANDLER_LENGTH} characters without white space` },
};

export const APPSEC_MODES = ["off", "on", "tracer", "extension"] as const;
export type AppSecMode = (typeof APPSEC_MODES)[number];

/** `appSecMode`; else `extension` with the plugin's `enableASM`; else `on` when `appsecEnabled` is set. */
export function appSecMode(config: Config): AppSecMode {
  const mode = config.appSecMode;
  if (mode !== undefined && (APPSEC_MODES as readonly string[]).includes(mode)) return mode as AppSecMode;
  if (config.enableASM === true) return "extension";
  return config.appsecEnabled ? "on" : "off";
}

/** The extension is on when asked for, or (as in the reference macro) when its layer version is given. */
export function usesExtension(config: Config): boolean {
  return config.addExtension === true || (config.addExtension === undefined && (config.extensionLayerVersion !== undefined || config.extensionLayerArn !== undefined));
}

export function hasApiKey(config: Config): boolean {
  return API_KEY_PARAMETERS.some((name) => config[name] !== undefined);
}

/**
 * `derived`: what `deriveConfig` made of `config` (computed once, not again here); `place`: where the
 * stack deploys, when known.
 */
export function validateConfig(config: Config, derived: { extension: boolean; appSecMode: AppSecMode }, report: Report, place: { region?: string; accountId?: string } = {}): void {
  const keys = API_KEY_PARAMETERS.filter((name) => config[name] !== undefined);
  if (keys.length > 1) report.error(ONE_API_KEY, { keys });
  const site = config.site.toLowerCase();
  if (!(DATADOG_SITES as readonly string[]).includes(site)) report.error(UNKNOWN_SITE, { site: config.site, sites: DATADOG_SITES });
  const { extension } = derived;
  if (extension && !hasApiKey(config)) report.error(EXTENSION_NEEDS_KEY, {});
  if (config.llmObsEnabled === true && config.llmObsMlApp === undefined) report.error(LLMOBS_NEEDS_APP, {});
  const appsec = derived.appSecMode;
  // The plugin's and the constructs' AppSec switch says the same as `appSecMode` (or `appsecEnabled`): one of them only.
  if (config.enableASM !== undefined) {
    const other = config.appSecMode !== undefined ? "appSecMode" : config.appsecEnabled === true ? "appsecEnabled" : undefined;
    if (other !== undefined) report.error(DUPLICATE_SPELLING, { first: "enableASM", second: other, name: "appSecMode", source: "both set AppSec" });
  }
  if ((appsec === "extension" || appsec === "on") && !extension) report.error(APPSEC_NEEDS_EXTENSION, { mode: appsec });
  for (const name of PARAMETER_NAMES) {
    const spec: ParameterSpec = PARAMETERS[name];
    const value = config[name];
    // A value deferred to deploy time (an intrinsic) cannot be checked here.
    if (spec.format === undefined || value === undefined || (typeof value === "object" && !Array.isArray(value))) continue;
    const format = FORMATS[spec.format];
    if (!format.test(value)) report.error(FORMAT, { name, expected: format.expected, secret: spec.secret === true });
  }
  if (config.apiKeySsmArn !== undefined && !extension) report.warn(SSM_KEY_WITHOUT_EXTENSION, {});
  if (config.forwarderArn === undefined) {
    const needing = [
      ...(config.forwardLogGroups.length > 0 ? ["forwardLogGroups"] : []),
      ...(config.subscribeToExecutionLogs ? ["subscribeToExecutionLogs"] : []),
      // Derived from `forwarderArn` (deriveConfig): still unset when neither Forwarder is given.
      ...(config.enableStepFunctionsTracing && config.stepFunctionForwarderArn === undefined ? ["enableStepFunctionsTracing"] : []),
    ];
    if (needing.length > 0) report.warn(NEEDS_FORWARDER, { names: needing });
  }
  for (const name of ["forwarderArn", "stepFunctionForwarderArn"] as const) {
    // The same ARN under both names (enableStepFunctionsTracing derives one from the other) is reported once.
    if (name === "stepFunctionForwarderArn" && config.stepFunctionForwarderArn === config.forwarderArn) continue;
    const where = forwarderElsewhere(config[name], place);
    if (where !== undefined) report.error(FORWARDER_ELSEWHERE, { name, where });
  }
  if (config.customHandler !== undefined && !config.redirectHandler) report.warn(CUSTOM_HANDLER_UNUSED, {});
  if (config.lambdaFips === true && !GOV_SITES.includes(site)) report.warn(FIPS_SITE, { site: config.site, sites: GOV_SITES });
}

/** Where a forwarder's ARN is, when that is not where the stack deploys (a region or account elsewhere), else undefined. */
function forwarderElsewhere(arn: unknown, place: { region?: string; accountId?: string }): string | undefined {
  const parts = typeof arn === "string" ? /^arn:[^:]+:lambda:([^:]*):([^:]*):function:/.exec(arn) : null;
  if (parts === null) return undefined;
  const [, region, account] = parts;
  if (place.region !== undefined && region !== "" && region !== place.region) return `of region ${region.slice(0, 40)}, and the stack deploys to ${place.region}`;
  if (place.accountId !== undefined && account !== "" && account !== place.accountId) return "of another account";
  return undefined;
}

/** `sha,url` → its parts, with any credentials removed from the URL. */
export function parseGitData(value: string): { sha: string; url: string } | undefined {
  const comma = value.indexOf(",");
  if (comma < 0) return undefined;
  const sha = value.slice(0, comma).trim();
  const url = stripCredentials(value.slice(comma + 1).trim());
  if (!/^[0-9a-fA-F]{4,64}$/.test(sha) || url === "") return undefined;
  return { sha, url };
}

export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}
