/** Resource tags: a list of {Key, Value} on Lambda, a map on SAM functions. The user's keys always win. */
import { CANNOT_EDIT, editBranches, isObject, literalBranches, type Json, type JsonObject } from "../intrinsics";
import { properties, writableProperties } from "../discover";
import type { Report } from "../report";

export type TagStyle = "list" | "map";

/** Keys already present in a tag value (any `Fn::If` branch), list or map style. */
export function tagKeys(tags: unknown): Set<string> {
  const keys = new Set<string>();
  for (const branch of literalBranches(tags) ?? []) {
    if (Array.isArray(branch)) {
      for (const tag of branch) if (isObject(tag) && typeof tag.Key === "string") keys.add(tag.Key);
    } else if (isObject(branch)) {
      Object.keys(branch).forEach((key) => keys.add(key));
    }
  }
  return keys;
}

/**
 * Adds each tag whose key is not set on the resource (or in `inherited`, e.g. SAM Globals).
 * Warns, changing nothing, when `Tags` is an intrinsic other than `Fn::If`.
 */
export function addTags(
  logicalId: string,
  resource: JsonObject,
  style: TagStyle,
  additions: Record<string, string>,
  report: Report,
  inherited: Set<string> = new Set(),
): void {
  const wanted = Object.entries(additions).filter(([key]) => !inherited.has(key));
  if (wanted.length === 0) return;
  const current = properties(resource).Tags;
  const edited = editBranches(current, (branch) => {
    if (style === "list" ? branch !== undefined && !Array.isArray(branch) : branch !== undefined && !isObject(branch)) return CANNOT_EDIT;
    const present = tagKeys(branch);
    const missing = wanted.filter(([key]) => !present.has(key));
    if (missing.length === 0) return branch;
    // The fragment belongs to the transform: existing lists and maps are extended in place.
    if (style === "list") {
      const list = (branch as Json[] | undefined) ?? [];
      for (const [Key, Value] of missing) list.push({ Key, Value });
      return list;
    }
    const map = (branch as JsonObject | undefined) ?? {};
    for (const [key, value] of missing) map[key] = value;
    return map;
  });
  if (edited === CANNOT_EDIT) {
    report.warn(`${logicalId}: Tags is an intrinsic function the macro cannot edit; add ${wanted.map(([key]) => key).join(", ")} yourself.`);
    return;
  }
  if (edited !== current) writableProperties(resource).Tags = edited as Json;
}
