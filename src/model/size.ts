/**
 * CloudFormation's limits on a template's size, checked on the macro's result: counted as AWS counts
 * them, in UTF-8 bytes of the JSON without whitespace.
 */
import { TEMPLATE_NEEDS_S3, TEMPLATE_TOO_LARGE, type Report } from "../rules";

/** The most a template may be when passed through S3 (`--template-url`), the processed template included. */
export const MAX_TEMPLATE_BYTES = 1_048_576;
/** The most a template may be when passed directly in the request (`--template-body`). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;
/**
 * Counting stops past this many bytes: a template built from shared objects (possible through the API,
 * not from JSON) can stand for far more JSON than it holds.
 */
export const MEASURE_CAP_BYTES = 2 * MAX_TEMPLATE_BYTES;

/**
 * The UTF-8 bytes of `JSON.stringify(value)`, counted without building the string, iteratively (no
 * depth overflows the stack), and stopping once past `cap` (then the count is just over it).
 */
export function jsonBytes(value: unknown, cap = MEASURE_CAP_BYTES): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= cap) {
    const item = pending.pop();
    if (item === null || typeof item !== "object") {
      total += leafBytes(item);
    } else if (Array.isArray(item)) {
      // Brackets and commas; an element JSON has no value for is written as null.
      total += 1 + Math.max(item.length, 1);
      for (const element of item) pending.push(hasJsonValue(element) ? element : null);
    } else {
      // Braces, commas and colons; a member JSON has no value for is left out.
      let members = 0;
      for (const key of Object.keys(item)) {
        const member = (item as Record<string, unknown>)[key];
        if (!hasJsonValue(member)) continue;
        members++;
        total += stringBytes(key) + 1;
        pending.push(member);
      }
      total += 1 + Math.max(members, 1);
    }
  }
  return total;
}

function hasJsonValue(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

function leafBytes(value: unknown): number {
  if (typeof value === "string") return stringBytes(value);
  // Numbers (non-finite ones are written as null), booleans, null: ASCII.
  return JSON.stringify(value)?.length ?? 0;
}

/** Printable ASCII but `"` and `\\`: written as it is, one byte a character. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function stringBytes(text: string): number {
  return PLAIN.test(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text), "utf8");
}

/** A size for a message: the count, or that it is past the cap. */
function shown(bytes: number): string {
  return bytes > MEASURE_CAP_BYTES ? `more than ${MEASURE_CAP_BYTES}` : String(bytes);
}

/**
 * False (with E105) when the output is past MAX_TEMPLATE_BYTES, whether the macro's additions or the
 * input itself took it there (the deploy fails either way, and the message says which); a note (I103)
 * when the additions take an input under MAX_TEMPLATE_BODY_BYTES past it. Counting stops just past the
 * larger limit, which is all the decisions need; the input is measured only when the output is past the
 * smaller one, and the output counted in full only for the error's message.
 */
export function checkTemplateSize(input: unknown, output: unknown, report: Report): boolean {
  const after = jsonBytes(output, MAX_TEMPLATE_BYTES);
  if (after <= MAX_TEMPLATE_BODY_BYTES) return true;
  const before = output === input ? after : jsonBytes(input, MAX_TEMPLATE_BYTES);
  if (after > MAX_TEMPLATE_BYTES) {
    const full = shown(jsonBytes(output));
    report.error(TEMPLATE_TOO_LARGE, { before: before > MAX_TEMPLATE_BYTES ? full : String(before), after: full, limit: MAX_TEMPLATE_BYTES, already: before > MAX_TEMPLATE_BYTES });
    return false;
  }
  if (output === input) return true;
  if (before <= MAX_TEMPLATE_BODY_BYTES) report.note(TEMPLATE_NEEDS_S3, { before, after, limit: MAX_TEMPLATE_BODY_BYTES });
  return true;
}
