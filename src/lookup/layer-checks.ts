/**
 * Checks that the layer versions a parameter pins exist, before CloudFormation fails part-way with
 * "Layer version ... does not exist": one call per distinct ARN, a bounded number of them, a few at once.
 */
import { LAYER_NOT_CHECKED, LAYER_VERSION_NOT_FOUND, type Report } from "../rules";
import { LookupError, type LayerView } from "./account-view";
import { mapLimit } from "./gather";

/** A layer version ARN the transform adds to a function, and the parameter it comes from. */
export interface PinnedLayer {
  arn: string;
  parameter: string;
}

/** Most layer versions checked for one transform (the runtime table gives far fewer: a few per parameter). */
export const MAX_LAYER_LOOKUPS = 50;
/** Layer lookups in flight at once. */
export const LAYER_LOOKUP_CONCURRENCY = 8;

/**
 * Errors for versions that do not exist, warnings for those that could not be checked. The view is
 * created only when there is something to check; an error that is not a LookupError is a bug and rejects.
 */
export async function checkPinnedLayers(layers: readonly PinnedLayer[], view: () => LayerView, report: Report): Promise<void> {
  const distinct = [...new Map(layers.map((layer) => [layer.arn, layer])).values()];
  if (distinct.length === 0) return;
  const checked = distinct.slice(0, MAX_LAYER_LOOKUPS);
  const answers = await mapLimit(checked, LAYER_LOOKUP_CONCURRENCY, async ({ arn }) => {
    try {
      return await view().layerVersionExists(arn);
    } catch (error) {
      if (error instanceof LookupError) return error;
      throw error;
    }
  });
  checked.forEach((layer, i) => {
    const answer = answers[i];
    if (answer === false) report.error(LAYER_VERSION_NOT_FOUND, layer);
    else if (answer instanceof LookupError) report.warn(LAYER_NOT_CHECKED, { ...layer, detail: answer.detail });
  });
  for (const layer of distinct.slice(MAX_LAYER_LOOKUPS)) report.warn(LAYER_NOT_CHECKED, { ...layer, detail: `more than ${MAX_LAYER_LOOKUPS} pinned layer versions to check` });
}
