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
const TOKEN = (i: number) => `__datadog_macro_part_${i}__`;
const TOKEN_PATTERN = /__datadog_macro_part_(\d+)__/g;

export function readDefinition(value: unknown): ReadDefinition | string {
  const name = intrinsicName(value);
  if (isObject(value) && name === undefined) {
    // Edit a copy: the template keeps its definition unless the whole edit succeeds.
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
  if (typeof subArgs === "string") return parseText(subArgs, (text) => sub(text));
  if (Array.isArray(subArgs) && typeof subArgs[0] === "string" && subArgs.length === 2 && isObject(subArgs[1])) {
    const variables = subArgs[1];
    return parseText(subArgs[0], (text) => sub(text, variables));
  }
  const joinArgs = argumentsOf(value, "Fn::Join");
  if (Array.isArray(joinArgs) && typeof joinArgs[0] === "string" && Array.isArray(joinArgs[1])) return readJoin(joinArgs[0], joinArgs[1]);
  return `the definition is ${name ?? typeof value}, which the macro cannot read`;
}

function parseText(text: string, wrap: (text: string) => Json): ReadDefinition | string {
  try {
    const definition = JSON.parse(text);
    if (!isObject(definition)) return "the definition is not a JSON object";
    return { definition, compact: JSON.stringify(definition), write: (edited) => wrap(JSON.stringify(edited)) };
  } catch {
    return "the definition is not valid JSON (a ${...} outside a string?)";
  }
}

/**
 * `Fn::Join` parts: literal text, `Fn::Sub` strings (their text is inlined: their `${...}` sit inside JSON
 * strings) and other intrinsics (replaced by tokens, which must sit inside JSON strings).
 */
function readJoin(delimiter: string, parts: Json[]): ReadDefinition | string {
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
