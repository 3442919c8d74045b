/** Checks on the selected functions that fail the transform; they all run before the first edit. */
import type { Config } from "./config/parameters";
import { PARAMETERS, type ParameterSpec } from "./config/parameters";
import type { FunctionModel } from "./discover";
import type { Report } from "./report";

export interface Skipped {
  logicalId: string;
  reason: string;
}

export function selectFunctions(functions: FunctionModel[], config: Config, report: Report): { selected: FunctionModel[]; skipped: Skipped[] } {
  const excluded = new Set(config.exclude);
  const ids = new Set(functions.map((fn) => fn.logicalId));
  for (const id of excluded) {
    if (!ids.has(id)) report.warn(`\`exclude\` names ${id}, which is not a Lambda function of this template.`);
  }
  const selected: FunctionModel[] = [];
  const skipped: Skipped[] = [];
  for (const fn of functions) {
    const reason = excluded.has(fn.logicalId)
      ? "listed in `exclude`"
      : fn.cdkFramework
        ? "a function CDK adds for its own use (custom resource provider or log retention)"
        : fn.packageType === "Image" && !config.instrumentContainerImages
          ? "container image (set `instrumentContainerImages: true` to add environment and tags)"
          : undefined;
    if (reason) {
      skipped.push({ logicalId: fn.logicalId, reason });
      report.warn(`${fn.logicalId}: skipped, ${reason}.`);
    } else {
      selected.push(fn);
    }
  }
  return { selected, skipped };
}

/** With `addLayers`, every runtime family present needs its layer version: one error per family, naming its functions. */
export function checkLayerVersions(functions: FunctionModel[], config: Config, report: Report): void {
  if (!config.addLayers) return;
  const missing = new Map<string, string[]>();
  for (const fn of functions) {
    const parameter = fn.packageType === "Zip" ? fn.runtimeInfo?.layerVersionParameter : undefined;
    if (parameter === undefined || config[parameter] !== undefined) continue;
    missing.set(parameter, [...(missing.get(parameter) ?? []), fn.logicalId]);
  }
  for (const [parameter, ids] of missing) {
    const spec: ParameterSpec = PARAMETERS[parameter as keyof typeof PARAMETERS];
    report.error(
      `Function${ids.length > 1 ? "s" : ""} ${ids.join(", ")} need${ids.length > 1 ? "" : "s"} \`${parameter}\`, which is not set; add it (${spec.doc.split(";")[0]}), set \`addLayers: false\` and bundle the library yourself, or list the function${ids.length > 1 ? "s" : ""} in \`exclude\`.`,
    );
  }
}

/** Node.js sends metrics synchronously without the extension or log flushing, and cannot then fetch a secret API key. */
export function checkSynchronousMetricsKey(functions: FunctionModel[], config: Config, extension: boolean, report: Report): void {
  if (config.apiKeySecretArn === undefined || extension || config.flushMetricsToLogs) return;
  const ids = functions.filter((fn) => fn.runtimeInfo?.family === "nodejs").map((fn) => fn.logicalId);
  if (ids.length > 0) {
    report.error(
      `Node.js functions ${ids.join(", ")} cannot read \`apiKeySecretArn\` when metrics are sent synchronously; add the extension, set \`flushMetricsToLogs: true\`, or use \`apiKMSKey\`.`,
    );
  }
}
