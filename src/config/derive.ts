/**
 * What follows from the configuration, computed once per transform: whether the extension is added, the
 * AppSec mode, the parsed git data, and the defaults that depend on where the stack deploys.
 */
import { partitionOf } from "../partitions";
import { GOV_SITES } from "../sites";
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
 * The derived configuration, after applying the region's defaults to `config`: as in Datadog's plugin,
 * with the extension in GovCloud FIPS mode is on unless told otherwise, when the site has FIPS endpoints
 * (otherwise the user chose a site FIPS cannot reach).
 */
export function deriveConfig(config: Config, region: string | undefined): Derived {
  const extension = usesExtension(config);
  if (config.lambdaFips === undefined && region !== undefined && partitionOf(region) === "aws-us-gov" && extension && GOV_SITES.includes(config.site.toLowerCase())) {
    config.lambdaFips = true;
  }
  const git = typeof config.gitData === "string" ? parseGitData(config.gitData) : undefined;
  return { extension, appSecMode: appSecMode(config), ...(git ? { git } : {}) };
}
