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
 * The UTF-8 bytes of `JSON.stringify(value)`, or, once past `cap`, a count past it (just past it when
 * counting had to stop). JSON.stringify itself when it may (see `stringifiedBytes`): the first call of a
 * process would otherwise walk the whole template in the interpreter; the walk counts the rest.
 */
export function jsonBytes(value: unknown, cap = MEASURE_CAP_BYTES): number {
  const stringified = stringifiedBytes(value, cap);
  return stringified !== undefined ? stringified : walkedBytes(value, cap);
}

/** Thrown by the replacer: the value is not plain data, the walk counts it. */
const LEAVE_TO_WALK = Symbol("leave to the walk");
/** Thrown by the replacer: what is written already is past the cap. */
const PAST_CAP = Symbol("past the cap");

/**
 * The bytes JSON.stringify writes for plain data: objects and arrays of the plain prototypes (no toJSON,
 * no boxed primitive, whose text the walk would count differently); `cap + 1` once the text is certainly
 * past `cap` (a template built from shared objects can stand for far more JSON than it holds: counting
 * stops the expansion there, as the walk would). Undefined otherwise, or when JSON.stringify throws (too
 * deep for the stack, circular, BigInt): the walk decides.
 */
function stringifiedBytes(value: unknown, cap: number): number | undefined {
  // At most the bytes written so far: a member's key with its quotes and colon, a string with its quotes,
  // a byte for any other value (commas and brackets aside). The root has no key: its 3 are taken back.
  let written = -3;
  try {
    const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, member: unknown) {
      const inArray = Array.isArray(this);
      if (member === undefined || typeof member === "function" || typeof member === "symbol") written += inArray ? 1 : 0;
      else written += (inArray ? 0 : key.length + 3) + (typeof member === "string" ? member.length + 2 : 1);
      if (written > cap) throw PAST_CAP;
      if (typeof member === "object" && member !== null && (member !== this[key] || !hasPlainPrototype(member))) throw LEAVE_TO_WALK;
      return member;
    }) as string | undefined;
    return text === undefined ? undefined : Buffer.byteLength(text, "utf8");
  } catch (error) {
    return error === PAST_CAP ? cap + 1 : undefined;
  }
}

function hasPlainPrototype(container: object): boolean {
  const prototype = Object.getPrototypeOf(container);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

/** As jsonBytes, counted without building the string, iteratively (no depth overflows the stack). */
function walkedBytes(value: unknown, cap: number): number {
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
 * when the additions take an input under MAX_TEMPLATE_BODY_BYTES past it. Counting stops just past what
 * each decision needs; the input is measured only when the output is past the smaller limit (and, for the
 * note, only up to it).
 */
export function checkTemplateSize(input: unknown, output: unknown, report: Report): boolean {
  // Counted up to MEASURE_CAP_BYTES at once: past the larger limit, the error's message shows that count.
  const after = jsonBytes(output);
  if (after <= MAX_TEMPLATE_BODY_BYTES) return true;
  if (after > MAX_TEMPLATE_BYTES) {
    const before = output === input ? after : jsonBytes(input, MAX_TEMPLATE_BYTES);
    const full = shown(after);
    report.error(TEMPLATE_TOO_LARGE, { before: before > MAX_TEMPLATE_BYTES ? full : String(before), after: full, limit: MAX_TEMPLATE_BYTES, already: before > MAX_TEMPLATE_BYTES });
    return false;
  }
  if (output === input) return true;
  // Whether the input was under the smaller limit is all the note needs: counting stops just past it.
  const before = jsonBytes(input, MAX_TEMPLATE_BODY_BYTES);
  if (before <= MAX_TEMPLATE_BODY_BYTES) report.note(TEMPLATE_NEEDS_S3, { before, after, limit: MAX_TEMPLATE_BODY_BYTES });
  return true;
}
