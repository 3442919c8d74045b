/** Resource tags: a list of {Key, Value} on Lambda, a map on SAM functions. The user's keys always win. */
import { editBranches, everyBranch, isObject, sameJson, type Json, type JsonObject } from "../intrinsics";
import { properties, writableProperties } from "../discover";
import type { Report } from "../report";

export type TagStyle = "list" | "map";

/** Keys already present in a tag value (any `Fn::If` branch), list or map style. */
export function tagKeys(tags: unknown): Set<string> {
  const keys = new Set<string>();
  everyBranch(tags, (branch) => {
    if (Array.isArray(branch)) {
      for (const tag of branch) if (isObject(tag) && typeof tag.Key === "string") keys.add(tag.Key);
    } else if (isObject(branch)) {
      Object.keys(branch).forEach((key) => keys.add(key));
    }
    return true;
  });
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
    if (style === "list") {
      if (branch !== undefined && !Array.isArray(branch)) return undefined;
      const list = [...(branch ?? [])];
      const present = tagKeys(list);
      for (const [Key, Value] of wanted) if (!present.has(Key)) list.push({ Key, Value });
      return list;
    }
    if (branch !== undefined && !isObject(branch)) return undefined;
    const map: JsonObject = { ...(branch ?? {}) };
    for (const [key, value] of wanted) if (!(key in map)) map[key] = value;
    return map;
  });
  if (edited === undefined) {
    report.warn(`${logicalId}: Tags is an intrinsic function the macro cannot edit; add ${wanted.map(([key]) => key).join(", ")} yourself.`);
    return;
  }
  if (!sameJson(edited, current)) writableProperties(resource).Tags = edited as Json;
}
