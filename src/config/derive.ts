/**
 * What follows from the configuration, computed once per transform: whether the extension is added, the
 * AppSec mode, the parsed git data, and the defaults that depend on where the stack deploys.
 */
import { partitionOf } from "../partitions";
import type { Config } from "./parameters";
import { appSecMode, parseGitData, usesExtension, type AppSecMode } from "./validate";

export interface Derived {
  /** The Datadog Extension is added (asked for, or its layer given). */
  extension: boolean;
  appSecMode: AppSecMode;
  /** `gitData` parsed (credentials removed), when given and well formed. */
  git?: { sha: string; url: string };
}

/**
 * The derived configuration, after applying the defaults that depend on other parameters or the region
 * to `config`. As in Datadog's plugin and its FIPS documentation: with the extension in GovCloud, FIPS mode
 * is on unless told otherwise, whatever the site (the FIPS extension works with any site; W102 says what
 * a commercial site means for compliance). `enableStepFunctionsTracing` sends state machine logs to
 * `forwarderArn`, unless `stepFunctionForwarderArn` names a Forwarder of its own.
 */
export function deriveConfig(config: Config, region: string | undefined): Derived {
  const extension = usesExtension(config);
  if (config.lambdaFips === undefined && region !== undefined && partitionOf(region) === "aws-us-gov" && extension) config.lambdaFips = true;
  if (config.enableStepFunctionsTracing && config.stepFunctionForwarderArn === undefined) config.stepFunctionForwarderArn = config.forwarderArn;
  const git = typeof config.gitData === "string" ? parseGitData(config.gitData) : undefined;
  return { extension, appSecMode: appSecMode(config), ...(git ? { git } : {}) };
}
