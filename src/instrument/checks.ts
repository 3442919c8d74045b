/** Checks on the selected functions that fail the transform; they all run before the first edit. */
import type { Config, ParameterName } from "../config/parameters";
import type { FunctionModel } from "../model";
import { LAYER_VERSION_MISSING, SYNCHRONOUS_METRICS_KEY, type Report } from "../rules";

/**
 * With `addLayers`, every runtime family present needs its layer version: one error per family, naming
 * its functions. A version given but rejected was reported already and is not reported again.
 */
export function checkLayerVersions(functions: FunctionModel[], config: Config, invalid: ReadonlySet<ParameterName>, report: Report): void {
  if (!config.addLayers || invalid.has("addLayers")) return;
  const missing = new Map<string, string[]>();
  for (const fn of functions) {
    if (fn.packageType !== "Zip" || fn.runtimeProblem !== undefined || fn.edge !== undefined) continue;
    for (const variant of fn.variants) {
      const info = variant.info;
      const parameter = info?.layerVersionParameter;
      if (info === undefined || parameter === undefined || config[parameter] !== undefined || invalid.has(parameter)) continue;
      // A layer ARN given instead, or a default this release has for the runtime, is enough.
      if (info.layerArnParameter !== undefined && config[info.layerArnParameter] !== undefined) continue;
      const name = info.layerName(variant.architecture);
      if (name === undefined || info.defaultVersion !== undefined) continue;
      const ids = missing.get(parameter) ?? [];
      if (!ids.includes(fn.logicalId)) ids.push(fn.logicalId);
      missing.set(parameter, ids);
    }
  }
  for (const [parameter, ids] of missing) report.error(LAYER_VERSION_MISSING, { parameter, ids });
}

/** Node.js sends metrics synchronously without the extension or log flushing, and cannot then fetch a secret API key. */
export function checkSynchronousMetricsKey(functions: FunctionModel[], config: Config, extension: boolean, report: Report): void {
  if (config.apiKeySecretArn === undefined || extension || config.flushMetricsToLogs) return;
  const ids = functions.filter((fn) => fn.edge === undefined && fn.variants.some((variant) => variant.info?.family === "nodejs")).map((fn) => fn.logicalId);
  if (ids.length > 0) report.error(SYNCHRONOUS_METRICS_KEY, { ids });
}
