/**
 * Reads a state machine definition in any of its template forms into an object, and writes an edited
 * object back in the same form. Intrinsic parts of `Fn::Join` (and `${...}` of `Fn::Sub`, which stay
 * as text) must sit inside JSON strings; a definition that does not parse is reported and left alone.
 */
import { intrinsicName, isObject, type Json, type JsonObject } from "../intrinsics";

export interface ReadDefinition {
  definition: JsonObject;
  /** Writes an edited definition back, in the form it was read from. */
  write(edited: JsonObject): Json;
}

/** Marks where an intrinsic of an `Fn::Join` sat in the text; never appears in real definitions. */
const TOKEN = (i: number) => `__datadog_macro_part_${i}__`;
const TOKEN_PATTERN = /__datadog_macro_part_(\d+)__/g;

export function readDefinition(value: unknown): ReadDefinition | string {
  if (isObject(value) && intrinsicName(value) === undefined) {
    // Edit a copy: the template keeps its definition unless the whole edit succeeds.
    return { definition: JSON.parse(JSON.stringify(value)), write: (edited) => edited };
  }
  if (typeof value === "string") return parseText(value, (text) => text);
  const name = intrinsicName(value);
  const args = name === undefined ? undefined : (value as JsonObject)[name];
  if (name === "Fn::Sub" && typeof args === "string") return parseText(args, (text) => ({ "Fn::Sub": text }));
  if (name === "Fn::Sub" && Array.isArray(args) && typeof args[0] === "string" && args.length === 2) {
    return parseText(args[0], (text) => ({ "Fn::Sub": [text, args[1]] }));
  }
  if (name === "Fn::Join" && Array.isArray(args) && typeof args[0] === "string" && Array.isArray(args[1])) {
    return readJoin(args[0], args[1]);
  }
  return `the definition is ${name ?? typeof value}, which the macro cannot read`;
}

function parseText(text: string, wrap: (text: string) => Json): ReadDefinition | string {
  try {
    const definition = JSON.parse(text);
    if (!isObject(definition)) return "the definition is not a JSON object";
    return { definition, write: (edited) => wrap(JSON.stringify(edited)) };
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
      if (typeof part === "string") return part.split("${").join("${!");
      if (isObject(part) && intrinsicName(part) === "Fn::Sub" && typeof part["Fn::Sub"] === "string") return part["Fn::Sub"];
      intrinsics.push(part);
      return TOKEN(intrinsics.length - 1);
    })
    .join(delimiter.split("${").join("${!"));
  return parseText(text, (edited) => joinParts(edited, intrinsics));
}

/** Splits edited text back into pieces and the original intrinsics, as one `Fn::Join ""`. */
function joinParts(text: string, intrinsics: Json[]): Json {
  const parts: Json[] = [];
  const piece = (chunk: string) => parts.push(chunk.includes("${") ? { "Fn::Sub": chunk } : chunk);
  let last = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    if (match.index! > last) piece(text.slice(last, match.index));
    parts.push(intrinsics[Number(match[1])]);
    last = match.index! + match[0].length;
  }
  if (last < text.length) piece(text.slice(last));
  return { "Fn::Join": ["", parts] };
}
