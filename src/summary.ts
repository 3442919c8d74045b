/**
 * What the macro did, written into the processed template's `Metadata` so that `aws cloudformation
 * get-template --template-stage Processed` (and the console) show it without the macro's logs.
 * Deterministic and bounded: the same template gives the same summary (no timestamps), so redeploys
 * and a second transform change nothing, and a huge template does not grow without limit.
 */
import type { Json } from "./intrinsics";
import type { Skipped } from "./model";
import type { Diagnostic } from "./rules";
import { MACRO_NAME } from "./version";

/** Beyond this many entries a list is cut, and its length said instead. */
const MAX_ENTRIES = 100;

export const SUMMARY_KEY = MACRO_NAME;

function bounded(list: Json[], total: number): Json {
  return total > MAX_ENTRIES ? { first: list.slice(0, MAX_ENTRIES), total } : list;
}

/**
 * `instrumented` lists what sends data to Datadog; `tagsOnly` (present only when not empty, so templates
 * without Lambda@Edge keep the summary they had) lists functions that got tags and nothing else;
 * `monitors` (likewise only when not empty) the Datadog monitors added, which instrument nothing.
 */
export function summary(version: string, done: { instrumented: string[]; tagsOnly: string[]; monitors?: string[]; skipped: Skipped[] }, diagnostics: Diagnostic[]): Json {
  const { instrumented, tagsOnly, skipped } = done;
  const monitors = done.monitors ?? [];
  const warnings = diagnostics.filter((d) => d.severity !== "error").map((d) => (d.resource ? `${d.rule} ${d.resource}` : d.rule));
  return {
    version,
    instrumented: bounded(instrumented, instrumented.length),
    ...(tagsOnly.length > 0 ? { tagsOnly: bounded(tagsOnly, tagsOnly.length) } : {}),
    ...(monitors.length > 0 ? { monitors: bounded(monitors, monitors.length) } : {}),
    skipped: bounded(
      skipped.map(({ logicalId, reason }) => ({ logicalId, reason })),
      skipped.length,
    ),
    warnings: bounded(warnings, warnings.length),
  };
}
