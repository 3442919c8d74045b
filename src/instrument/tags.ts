/** Resource tags: a list of {Key, Value} on Lambda, a map on SAM resources. The user's keys always win. */
import { CANNOT_EDIT, editBranches, hasOwn, isObject, literalBranches, setOwn, shallowCopy, type Json, type JsonObject } from "../intrinsics";
import { TAGS_NOT_EDITABLE, type Warnings } from "../rules";

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

const NONE: Json[] = [];
type Additions = ReadonlyArray<readonly [string, Json]>;
const entryCache = new WeakMap<Additions, { keys: Set<string>; entries: Json[] }>();

/** The additions as `{Key, Value}` entries (built once per list of additions, never edited). */
function entriesOf(additions: Additions): Json[] {
  return cached(additions).entries;
}

function cached(additions: Additions): { keys: Set<string>; entries: Json[] } {
  let found = entryCache.get(additions);
  if (found === undefined) {
    found = { keys: new Set(additions.map(([key]) => key)), entries: additions.map(([Key, Value]) => ({ Key, Value })) };
    entryCache.set(additions, found);
  }
  return found;
}

/** True when the list already has a tag of one of the additions' keys. */
function overlaps(list: Json[] | undefined, additions: Additions): boolean {
  if (list === undefined || list.length === 0) return false;
  const keys = cached(additions).keys;
  return list.some((tag) => isObject(tag) && typeof tag.Key === "string" && keys.has(tag.Key));
}

function hasKey(branch: unknown, key: string): boolean {
  if (Array.isArray(branch)) return branch.some((tag) => isObject(tag) && tag.Key === key);
  return isObject(branch) && hasOwn(branch, key);
}

/**
 * `current` with each tag whose key it does not set (nor `inherited`, e.g. SAM Globals): a new value,
 * the same value when nothing is missing, or CANNOT_EDIT for an intrinsic other than `Fn::If`.
 */
export function withTags(current: unknown, style: TagStyle, additions: ReadonlyArray<readonly [string, Json]>, inherited?: Set<string>): unknown {
  return editBranches(current, (branch) => {
    if (branch !== undefined && (style === "list" ? !Array.isArray(branch) : !isObject(branch))) return CANNOT_EDIT;
    // The common case: a list that has none of the keys gets every tag, as entries shared by all resources.
    if (style === "list" && inherited === undefined && !overlaps(branch as Json[] | undefined, additions)) return ((branch as Json[] | undefined) ?? NONE).concat(entriesOf(additions));
    const missing = additions.filter(([key]) => !inherited?.has(key) && !hasKey(branch, key));
    if (missing.length === 0) return branch;
    if (style === "list") return [...((branch as Json[] | undefined) ?? []), ...missing.map(([Key, Value]) => ({ Key, Value }))];
    const map: JsonObject = branch === undefined ? {} : shallowCopy(branch as JsonObject);
    for (const [key, value] of missing) setOwn(map, key, value);
    return map;
  });
}

/** Writes `withTags` into `properties.Tags`, warning (and changing nothing) when it cannot be edited. */
export function addTags(
  logicalId: string,
  properties: () => JsonObject,
  current: unknown,
  style: TagStyle,
  additions: ReadonlyArray<readonly [string, Json]>,
  warnings: Warnings,
  inherited?: Set<string>,
): void {
  const edited = withTags(current, style, additions, inherited);
  if (edited === CANNOT_EDIT) {
    const keys = additions.map(([key]) => key).filter((key) => !inherited?.has(key));
    if (keys.length > 0) warnings.warn(TAGS_NOT_EDITABLE, { resource: logicalId, keys });
    return;
  }
  if (edited !== current) properties().Tags = edited as Json;
}
