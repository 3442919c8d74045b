/** Cross-field rules on the loaded configuration; every problem is reported, not just the first. */
import { DATADOG_SITES, GOV_SITES } from "../sites";
import type { Report } from "../report";
import type { Config } from "./parameters";

const API_KEY_PARAMETERS = ["apiKey", "apiKeySecretArn", "apiKeySsmArn", "apiKMSKey"] as const;
/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const ML_APP = /^[A-Za-z0-9_\-:./]{1,193}$/;

/** The extension is on when asked for, or (as in the reference macro) when its layer version is given. */
export function usesExtension(config: Config): boolean {
  return config.addExtension === true || (config.addExtension === undefined && config.extensionLayerVersion !== undefined);
}

export function hasApiKey(config: Config): boolean {
  return API_KEY_PARAMETERS.some((name) => config[name] !== undefined);
}

export function validateConfig(config: Config, report: Report): void {
  const keys = API_KEY_PARAMETERS.filter((name) => config[name] !== undefined);
  if (keys.length > 1) {
    report.error(`Only one API key parameter may be set, but ${keys.map((k) => `\`${k}\``).join(", ")} are; keep one (\`apiKeySecretArn\` is the safest).`);
  }
  const site = config.site.toLowerCase();
  if (!(DATADOG_SITES as readonly string[]).includes(site)) {
    report.error(`Parameter \`site\` is "${config.site}", which is not a Datadog site; use one of ${DATADOG_SITES.join(", ")}.`);
  }
  const extension = usesExtension(config);
  if (config.addExtension === true && config.extensionLayerVersion === undefined) {
    report.error("`addExtension` is true but `extensionLayerVersion` is not set; add `extensionLayerVersion` (the Datadog-Extension layer version to use).");
  }
  if (extension && !hasApiKey(config)) {
    report.error("The Datadog Extension needs an API key; set one of `apiKeySecretArn`, `apiKeySsmArn`, `apiKMSKey` or `apiKey`.");
  }
  if (extension && config.forwarderArn !== undefined) {
    report.error("`forwarderArn` cannot be used with the Datadog Extension (the extension sends logs itself); remove `forwarderArn`, or remove `addExtension`/`extensionLayerVersion`.");
  }
  if (config.llmObsEnabled === true && config.llmObsMlApp === undefined) {
    report.error("`llmObsEnabled` is true but `llmObsMlApp` is not set; set `llmObsMlApp` to the name of your LLM application.");
  }
  if (config.llmObsMlApp !== undefined && !ML_APP.test(config.llmObsMlApp)) {
    report.error("`llmObsMlApp` must be 1 to 193 characters of letters, digits, `_`, `-`, `.`, `:` and `/`.");
  }
  if (config.appsecEnabled && !extension) {
    report.error("`appsecEnabled` needs the Datadog Extension; set `addExtension: true` and `extensionLayerVersion`.");
  }
  if (config.useLayersFromAccount !== undefined && !/^\d{12}$/.test(config.useLayersFromAccount)) {
    report.error(`\`useLayersFromAccount\` must be a 12-digit AWS account id, not "${config.useLayersFromAccount}".`);
  }
  for (const name of ["apiKeySecretArn", "apiKeySsmArn", "forwarderArn", "stepFunctionForwarderArn"] as const) {
    const value = config[name];
    if (value !== undefined && !value.startsWith("arn:")) {
      report.error(`\`${name}\` must be an ARN (arn:aws:...), not "${value}".`);
    }
  }
  if (config.apiKeySsmArn !== undefined && !extension) {
    report.warn("`apiKeySsmArn` is read only by the Datadog Extension; without it, functions will not find the API key.");
  }
  if (config.lambdaFips === true && !GOV_SITES.includes(site)) {
    report.warn(`\`lambdaFips\` is true but \`site\` is ${config.site}; FIPS endpoints exist only for ${GOV_SITES.join(", ")}.`);
  }
  if (config.logRetentionInDays !== undefined && config.logRetentionInDays !== 0 && !LOG_RETENTION_DAYS.includes(config.logRetentionInDays)) {
    report.error(`\`logRetentionInDays\` must be 0 (never expire) or one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(", ")}.`);
  }
  if (config.gitData !== undefined && parseGitData(config.gitData) === undefined) {
    report.error("`gitData` must be `<commit sha>,<repository url>`, for example `1a2b3c4,https://github.com/acme/app`.");
  }
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
