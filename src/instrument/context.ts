/** What every instrumentation step may read. Steps edit the fragment; none calls AWS. */
import type { Config } from "../config/parameters";
import type { JsonObject, TemplateContext } from "../intrinsics";
import type { Partition } from "../partitions";
import type { Report } from "../report";

export interface InstrumentContext {
  config: Config;
  /** True when the Datadog Extension is added (see `usesExtension`). */
  extension: boolean;
  report: Report;
  template: TemplateContext;
  resources: JsonObject;
  region: string;
  partition: Partition;
  layerAccount: string;
  macroVersion: string;
  createdByCdk: boolean;
  /** The DD_* variables every function gets, computed once per transform. */
  environment: Record<string, string>;
}
