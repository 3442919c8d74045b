/** What AWS accepts as resource tags, the same for Lambda and Step Functions: how many, how long, which characters. */
import { conditionsIn, isObject, literalBranches, specialize, type ConditionSpace, type Json } from "../intrinsics";
import type { TagStyle } from "./tags";

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
