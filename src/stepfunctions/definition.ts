/**
 * Reads a state machine definition in any of its template forms into an object, and writes an edited
 * object back in the same form. Intrinsic parts of `Fn::Join` (and `${...}` of `Fn::Sub`, which stay
 * as text) must sit inside JSON strings; a definition that does not parse is reported and left alone.
 */
import { argumentsOf, intrinsicName, isObject, join, sub, subLiteral, type Json, type JsonObject } from "../intrinsics";

export interface ReadDefinition {
  definition: JsonObject;
  /** The definition as compact JSON when read, to tell whether an edit changed it. */
  compact: string;
  /** Writes an edited definition back, in the form it was read from. */
  write(edited: JsonObject): Json;
}

/** Marks where an intrinsic of an `Fn::Join` sat in the text; never appears in real definitions. */
const TOKEN_MARK = "__datadog_macro_part_";
const TOKEN = (i: number) => `${TOKEN_MARK}${i}__`;
const TOKEN_PATTERN = /__datadog_macro_part_(\d+)__/g;

export function readDefinition(value: unknown): ReadDefinition | string {
  const name = intrinsicName(value);
  if (isObject(value) && name === undefined) {
    // Edit a copy: the template keeps its definition unless the whole edit succeeds.
    if (!withinSize(value, MAX_NODES)) return `the definition has more than ${MAX_NODES} values (or shares parts), too many to rewrite`;
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      return "the definition nests too deeply to read";
    }
    return parseText(text, (edited) => JSON.parse(edited) as Json);
  }
  if (typeof value === "string") return parseText(value, (text) => text);
  const subArgs = argumentsOf(value, "Fn::Sub");
  if (typeof subArgs === "string") return parseSubText(subArgs, (text) => sub(text));
  if (Array.isArray(subArgs) && typeof subArgs[0] === "string" && subArgs.length === 2 && isObject(subArgs[1])) {
    const variables = subArgs[1];
    return parseSubText(subArgs[0], (text) => sub(text, variables));
  }
  const joinArgs = argumentsOf(value, "Fn::Join");
  if (Array.isArray(joinArgs) && typeof joinArgs[0] === "string" && Array.isArray(joinArgs[1])) {
    // The text becomes `Fn::Sub` chunks where it holds `${`: escapes must survive the same way.
    const texts = [joinArgs[0], ...joinArgs[1]].map((part) => (typeof part === "string" ? part : argumentsOf(part, "Fn::Sub"))).filter((part): part is string => typeof part === "string");
    if (texts.some((part) => /\\u00(24|7b|7d)/i.test(part))) return "the definition escapes `$`, `{` or `}` as \\u00..., which would not be written back exactly";
    return readJoin(joinArgs[0], joinArgs[1]);
  }
  return `the definition is ${name ?? typeof value}, which the macro cannot read`;
}

/** Beyond this many values a definition is not rewritten (a definition built from shared parts could be exponential). */
const MAX_NODES = 100_000;

function parseText(text: string, wrap: (text: string) => Json): ReadDefinition | string {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch {
    return "the definition is not valid JSON (a ${...} outside a string?)";
  }
  if (!isObject(definition)) return "the definition is not a JSON object";
  const inexact = inexactNumber(definition, text);
  if (inexact !== undefined) return `the definition holds the number ${inexact.slice(0, 40)}, which would not be written back exactly`;
  return { definition, compact: JSON.stringify(definition), write: (edited) => wrap(JSON.stringify(edited)) };
}

/**
 * Text that goes back under `Fn::Sub`: an escaped `$`, `{` or `}` (`\u0024`...) would be written back
 * unescaped and become a substitution, so such a definition is not rewritten.
 */
function parseSubText(text: string, wrap: (text: string) => Json): ReadDefinition | string {
  if (/\\u00(24|7b|7d)/i.test(text)) return "the definition escapes `$`, `{` or `}` as \\u00..., which would not be written back exactly";
  return parseText(text, wrap);
}

/** A number JSON.parse could not keep exactly (beyond double precision), as written, if any. */
function inexactNumber(definition: unknown, text: string): string | undefined {
  const pending: unknown[] = [definition];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "number") {
      const written = String(value);
      if (!Number.isSafeInteger(value) && (Number.isInteger(value) || !text.includes(written))) return written;
    } else if (typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  return undefined;
}

/** True when the value has at most `budget` values, counting shared parts each time they are reached. */
function withinSize(value: unknown, budget: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    if (++count > budget) return false;
    if (typeof next === "object" && next !== null) for (const item of Object.values(next)) pending.push(item);
  }
  return true;
}

/**
 * `Fn::Join` parts: literal text, `Fn::Sub` strings (their text is inlined: their `${...}` sit inside JSON
 * strings) and other intrinsics (replaced by tokens, which must sit inside JSON strings).
 */
function readJoin(delimiter: string, parts: Json[]): ReadDefinition | string {
  // The placeholder must not occur in the text itself, or the parts could not be told apart when written back.
  if ([delimiter, ...parts].some((part) => (typeof part === "string" ? part : argumentsOf(part, "Fn::Sub") ?? "").toString().includes(TOKEN_MARK))) {
    return "the definition's text holds the macro's placeholder pattern";
  }
  const intrinsics: Json[] = [];
  const text = parts
    .map((part) => {
      // A literal `${` must stay literal once the text is written back under Fn::Sub.
      if (typeof part === "string") return subLiteral(part);
      const text = argumentsOf(part, "Fn::Sub");
      if (typeof text === "string") return text;
      intrinsics.push(part);
      return TOKEN(intrinsics.length - 1);
    })
    .join(subLiteral(delimiter));
  return parseText(text, (edited) => joinParts(edited, intrinsics));
}

/** Splits edited text back into pieces and the original intrinsics, as one `Fn::Join ""`. */
function joinParts(text: string, intrinsics: Json[]): Json {
  const parts: Json[] = [];
  const piece = (chunk: string) => parts.push(chunk.includes("${") ? sub(chunk) : chunk);
  let last = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    if (match.index! > last) piece(text.slice(last, match.index));
    parts.push(intrinsics[Number(match[1])]);
    last = match.index! + match[0].length;
  }
  if (last < text.length) piece(text.slice(last));
  return join("", parts);
}
