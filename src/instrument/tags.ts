/**
 * Resource tags, the same for Lambda and Step Functions: what AWS accepts (how many, how long, which
 * characters), the tags the configuration makes, and adding the macro's to a list of {Key, Value} (Lambda,
 * Step Functions) or a map (SAM resources). The user's keys always win.
 */
import type { Config } from "../config/parameters";
import { CANNOT_EDIT, conditionsIn, editBranches, hasOwn, isObject, literalBranches, setOwn, shallowCopy, specialize, type ConditionSpace, type Json, type JsonObject } from "../intrinsics";
import { TAG_PARAMETER_INVALID, TAGS_NOT_EDITABLE, type Report, type Warnings } from "../rules";

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

/** Tags a resource may have (AWS's own `aws:` tags aside). */
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** Unicode letters, digits, white space and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}\s_.:/=+\-@]*$/u;
/** AWS's own tags: users may not set them, and they do not count against the limit. */
const RESERVED_PREFIX = "aws:";

/** Why `text` cannot be a tag key or value, or undefined when it can. Never quotes the text. */
export function tagTextProblem(text: string, part: "key" | "value"): string | undefined {
  const limit = part === "key" ? MAX_TAG_KEY_LENGTH : MAX_TAG_VALUE_LENGTH;
  // AWS counts characters, not UTF-16 units.
  const length = [...text].length;
  if (part === "key" && length === 0) return "it is empty";
  if (length > limit) return `it has ${length} characters, but a tag ${part} may have at most ${limit}`;
  if (!TAG_CHARACTERS.test(text)) return "it has characters tags do not allow";
  if (part === "key" && text.toLowerCase().startsWith(RESERVED_PREFIX)) return `it starts with \`${RESERVED_PREFIX}\`, which AWS keeps for its own tags`;
  return undefined;
}

export interface TagsAfter {
  /** Tags counted against the limit, the macro's included. */
  count: number;
  /** Keys of the tags the macro adds (none: the count is the resource's own). */
  added: string[];
}

/**
 * The tags a resource would have with the macro's, in its `Fn::If` branch that would have the most,
 * as `withTags` adds them: a key the resource (or `inherited`) already has is kept and counted once.
 * `implicit` are tags added after the macro (SAM's own). Undefined when the tags cannot be read
 * (an intrinsic function other than `Fn::If`, or not a list or map).
 */
export function tagsAfter(current: unknown, style: TagStyle, additions: ReadonlyArray<readonly [string, Json]>, inherited: ReadonlySet<string>, implicit: readonly string[]): TagsAfter | undefined {
  let worst: TagsAfter | undefined;
  for (const branch of literalBranches(current) ?? []) {
    if (branch !== undefined && (style === "list" ? !Array.isArray(branch) : !isObject(branch))) return undefined;
    const keys = new Set(inherited);
    for (const key of implicit) keys.add(key);
    // A list entry whose key is an intrinsic is still one tag: it counts under a name no real key has.
    if (Array.isArray(branch)) branch.forEach((tag, i) => keys.add(isObject(tag) && typeof tag.Key === "string" ? tag.Key : `\0${i}`));
    else if (isObject(branch)) for (const key in branch) keys.add(key);
    const added: string[] = [];
    for (const [key] of additions) if (!keys.has(key)) added.push(key);
    let count = added.length;
    for (const key of keys) if (!key.toLowerCase().startsWith(RESERVED_PREFIX)) count++;
    if (worst === undefined || count > worst.count || (count === worst.count && added.length > worst.added.length)) worst = { count, added };
  }
  return worst;
}


/** `tagsAfter` at the worst consistent choice of the template's Conditions: tags under exclusive conditions never count together. */
export function tagsAfterUnder(
  conditions: ConditionSpace,
  current: unknown,
  style: TagStyle,
  additions: ReadonlyArray<readonly [string, Json]>,
  inherited: ReadonlySet<string>,
  implicit: readonly string[],
): TagsAfter | undefined {
  let worst: TagsAfter | undefined;
  for (const truth of conditions.choices(conditionsIn(current))) {
    const after = tagsAfter(specialize(current, truth), style, additions, inherited, implicit);
    if (after !== undefined && (worst === undefined || after.count > worst.count)) worst = after;
  }
  return worst;
}

export type TagList = ReadonlyArray<readonly [string, Json]>;

/**
 * `service`, `env`, `version` and the `tags` pairs as resource tags: the forwarder reads them from the
 * resource, where the extension reads DD_* variables. Pairs split on their first colon only.
 */
export function forwarderTags(config: Config): [string, Json][] {
  const tags: [string, Json][] = [];
  const seen = new Set<string>();
  const add = (key: string, value: Json) => {
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    tags.push([key, value]);
  };
  for (const key of UNIFIED_TAGS) if (config[key] !== undefined) add(key, config[key] as Json);
  for (const pair of config.tags ?? []) add(...tagPair(pair));
  return tags;
}

const UNIFIED_TAGS = ["service", "env", "version"] as const;

/** A `tags` entry as a resource tag: split on its first colon only, both sides trimmed. */
function tagPair(pair: string): [string, string] {
  const colon = pair.indexOf(":");
  return [(colon < 0 ? pair : pair.slice(0, colon)).trim(), colon < 0 ? "" : pair.slice(colon + 1).trim()];
}

/**
 * Errors for parameters that cannot be the resource tags `forwarderTags` makes of them (call it only
 * when they are written as tags). A value deferred to deploy time cannot be checked here.
 */
export function checkTagParameters(config: Config, report: Report): void {
  for (const name of UNIFIED_TAGS) {
    const value = config[name];
    const problem = typeof value === "string" ? tagTextProblem(value, "value") : undefined;
    if (problem !== undefined) report.error(TAG_PARAMETER_INVALID, { name, part: "value", problem });
  }
  (config.tags ?? []).forEach((pair, i) => {
    const [key, value] = tagPair(pair);
    // An empty key is no tag: `forwarderTags` leaves it out.
    if (key === "") return;
    for (const [part, text] of [["key", key], ["value", value]] as const) {
      const problem = tagTextProblem(text, part);
      if (problem !== undefined) report.error(TAG_PARAMETER_INVALID, { name: "tags", entry: i + 1, part, problem });
    }
  });
}

/** `tags` then the macro's `own`, which win over a tag of the same key (a `tags` entry cannot replace `dd_sls_macro`). */
export function withOwnTags(tags: ReadonlyArray<readonly [string, Json]>, own: ReadonlyArray<readonly [string, Json]>): [string, Json][] {
  const ownKeys = new Set(own.map(([key]) => key));
  return [...tags.filter(([key]) => !ownKeys.has(key)), ...own] as [string, Json][];
}
