/** What every instrumentation step may read, and where it writes. Steps only warn; none calls AWS. */
import type { Derived } from "../config/derive";
import type { Config } from "../config/parameters";
import type { ConditionSpace, Json, JsonObject, TemplateContext } from "../intrinsics";
import type { TemplateDraft } from "../model";
import type { Partition } from "../partitions";
import type { Warnings } from "../rules";

export interface InstrumentContext {
  config: Config;
  /** What follows from the configuration (the extension, AppSec mode, git data), computed once. */
  derived: Derived;
  warnings: Warnings;
  template: TemplateContext;
  /** The template's Conditions, for counting values against quotas at their worst consistent choice. */
  conditions: ConditionSpace;
  /** The template's Resources as received (read-only: edits go through `draft`). */
  resources: JsonObject;
  draft: TemplateDraft;
  region: string;
  partition: Partition;
  layerAccount: string;
  macroVersion: string;
  createdByCdk: boolean;
  /** The DD_* variables every function gets, computed once per transform. */
  environment: ReadonlyArray<readonly [string, Json]>;
}
