/**
 * Lambda's limit on environment variables, counted as Lambda counts it: every key plus its value, in
 * UTF-8 bytes. A value the macro cannot resolve counts as the longest value it may take, or, when
 * nothing is known of it, leaves the size unknown.
 */
import { conditionsIn, hasOwn, isIntrinsic, isObject, literalBranches, own, possibleValues, specialize, type ConditionSpace, type Json, type JsonObject, type TemplateContext } from "../intrinsics";

/** Lambda rejects a function whose environment variables take more than 4 KB in all. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * What a value the macro cannot resolve (a resource's `Ref` or ARN, an import) is assumed to take at most:
 * ARNs, URLs and names are well under it. W222 says the size could not be checked only when values of
 * that size would take the function past the limit, so a few ARNs in a small environment do not warn.
 */
export const UNKNOWN_VALUE_ALLOWANCE = 256;
/** How many of the macro's variables an error names, largest first. */
export const LARGEST_NAMED = 3;

export interface VariableSize {
  name: string;
  bytes: number;
}

/** The macro's additions take the function past the limit (or add to a function already past it). */
export interface EnvironmentTooLarge {
  before: number;
  after: number;
  largest: VariableSize[];
}

/** Some values have no known size, and the rest is within the limit. */
export interface EnvironmentSizeUnknown {
  names: string[];
  known: number;
}

export type EnvironmentCheck = { tooLarge: EnvironmentTooLarge } | { unknown: EnvironmentSizeUnknown } | undefined;

const EMPTY: JsonObject = {};

/**
 * `Environment` before and after the macro's edit, compared per `Fn::If` branch (the edit keeps the
 * branches as they are, so they pair up). Variables of `inherited` (SAM Globals) count where the
 * function does not set its own of the same name, as SAM merges them.
 */
export function checkEnvironment(before: unknown, after: unknown, inherited: JsonObject, context: TemplateContext): EnvironmentCheck {
  const afterSets = variableSets(after);
  if (afterSets === undefined) return undefined;
  const beforeSets = variableSets(before);
  const globals = largestVariables(inherited, context);
  let worst: EnvironmentTooLarge | undefined;
  const unknown = new Set<string>();
  let known = 0;
  afterSets.forEach((variables, i) => {
    const previous = beforeSets?.length === afterSets.length ? beforeSets[i] : EMPTY;
    const size = measure(variables, globals, context);
    // Past the limit with nothing added, the environment is the template's own excess: `largest` is empty.
    if (size.bytes > ENVIRONMENT_LIMIT_BYTES) {
      const added = Object.keys(variables).filter((name) => variables[name] !== own(previous, name));
      if (worst === undefined || size.bytes > worst.after) worst = { before: measure(previous, globals, context).bytes, after: size.bytes, largest: largestOf(added, variables, context) };
      return;
    }
    size.unknown.forEach((name) => unknown.add(name));
    known = Math.max(known, size.bytes);
  });
  if (worst !== undefined) return { tooLarge: worst };
  const atMost = known + unknown.size * UNKNOWN_VALUE_ALLOWANCE;
  return unknown.size > 0 && known <= ENVIRONMENT_LIMIT_BYTES && atMost > ENVIRONMENT_LIMIT_BYTES ? { unknown: { names: [...unknown].sort(), known } } : undefined;
}

/**
 * `checkEnvironment` at the worst consistent choice of the template's Conditions: variables set under
 * exclusive conditions (the two branches of `Fn::If`s on one condition, or on a condition and its
 * negation) are never counted together.
 */
export function checkEnvironmentUnder(conditions: ConditionSpace, before: unknown, after: unknown, inherited: JsonObject, context: TemplateContext): EnvironmentCheck {
  const cacheable = typeof after === "object" && after !== null;
  const earlier = cacheable ? withinLimit.get(after) : undefined;
  if (earlier !== undefined && earlier.conditions === conditions && earlier.context === context && sameVariables(earlier.inherited, inherited)) return earlier.check;
  const check = checkEachChoice(conditions, before, after, inherited, context);
  if (cacheable && (check === undefined || !("tooLarge" in check))) withinLimit.set(after, { conditions, inherited, context, check });
  return check;
}

/**
 * Environments found within the limit, with the transform (its ConditionSpace and context) that measured
 * them: the check of the output (E208) meets the very objects the instrumentation has just measured, and
 * when none is too large the outcome (sizes unknown, or nothing) depends on the environment after the
 * edit alone, not on the one before.
 */
const withinLimit = new WeakMap<object, { conditions: ConditionSpace; inherited: JsonObject; context: TemplateContext; check: EnvironmentCheck }>();

/** The same inherited variables: the same map, or two empty ones. */
function sameVariables(a: JsonObject, b: JsonObject): boolean {
  return a === b || (Object.keys(a).length === 0 && Object.keys(b).length === 0);
}

function checkEachChoice(conditions: ConditionSpace, before: unknown, after: unknown, inherited: JsonObject, context: TemplateContext): EnvironmentCheck {
  const names = conditionsIn(after);
  conditionsIn(inherited, names);
  let tooLarge: EnvironmentTooLarge | undefined;
  let unknown: EnvironmentSizeUnknown | undefined;
  for (const truth of conditions.choices(names)) {
    const globals = specialize(inherited, truth);
    const check = checkEnvironment(specialize(before, truth), specialize(after, truth), isObject(globals) ? globals : EMPTY, context);
    if (check === undefined) continue;
    if ("tooLarge" in check) {
      if (tooLarge === undefined || check.tooLarge.after > tooLarge.after) tooLarge = check.tooLarge;
    } else if (unknown === undefined || check.unknown.known > unknown.known) unknown = check.unknown;
  }
  return tooLarge !== undefined ? { tooLarge } : unknown !== undefined ? { unknown } : undefined;
}

/** The variable maps of each branch of `Environment` (an absent one as {}), or undefined when one is not a map. */
function variableSets(environment: unknown): JsonObject[] | undefined {
  const sets: JsonObject[] = [];
  for (const branch of literalBranches(environment) ?? []) {
    const variables = literalBranches(own(branch, "Variables"));
    if (variables === undefined) return undefined;
    for (const map of variables) {
      if (map !== undefined && (!isObject(map) || isIntrinsic(map))) return undefined;
      sets.push(map ?? EMPTY);
    }
  }
  return sets.length > 0 ? sets : undefined;
}

/** Of the Globals' branches, the one that takes the most bytes (it is the one that matters for the limit). */
function largestVariables(inherited: JsonObject, context: TemplateContext): JsonObject {
  if (!isIntrinsic(inherited)) return inherited;
  let largest = EMPTY;
  let most = -1;
  for (const branch of literalBranches(inherited) ?? []) {
    if (!isObject(branch)) continue;
    const bytes = measure(branch, EMPTY, context).bytes;
    if (bytes > most) [largest, most] = [branch, bytes];
  }
  return largest;
}

/** The known bytes of the function's variables and its Globals' (where it sets no variable of that name), and the names whose value has no known size. */
function measure(variables: JsonObject, globals: JsonObject, context: TemplateContext): { bytes: number; unknown: string[] } {
  const size = { bytes: 0, unknown: [] as string[] };
  for (const name in variables) count(size, name, variables[name], context);
  for (const name in globals) if (!hasOwn(variables, name)) count(size, name, globals[name], context);
  return size;
}

function count(size: { bytes: number; unknown: string[] }, name: string, value: Json, context: TemplateContext): void {
  const bytes = variableBytes(name, value, context);
  // The name is there whatever the value: it counts.
  size.bytes += bytes ?? utf8Bytes(name);
  if (bytes === undefined) size.unknown.push(name);
}

/** The `count` largest of the named variables, by size (a value of unknown size counts its name only). */
function largestOf(added: string[], variables: JsonObject, context: TemplateContext): VariableSize[] {
  return added
    .map((name) => ({ name, bytes: variableBytes(name, variables[name], context) ?? utf8Bytes(name) }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, LARGEST_NAMED);
}

/** Name plus the longest value the variable may take, or undefined when no value of it is known. */
export function variableBytes(name: string, value: Json, context: TemplateContext): number | undefined {
  const scalar = scalarBytes(value);
  if (scalar !== undefined) return utf8Bytes(name) + scalar;
  const possibles = possibleValues(value, context);
  if (possibles === undefined) return undefined;
  let longest = 0;
  for (const possible of possibles) {
    // AWS::NoValue: the variable is absent under those conditions.
    if (possible.value === undefined) continue;
    const bytes = scalarBytes(possible.value);
    if (bytes === undefined) return undefined;
    longest = Math.max(longest, bytes);
  }
  return utf8Bytes(name) + longest;
}

/** Bytes of a value CloudFormation passes as text (numbers and booleans as written), else undefined. */
function scalarBytes(value: unknown): number | undefined {
  if (typeof value === "string") return utf8Bytes(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value).length;
  return undefined;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
