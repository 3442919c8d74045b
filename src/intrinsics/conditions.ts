/**
 * The template's Conditions, for counting a value against a quota at its worst: a value whose `Fn::If`
 * branches (or whose resources' `Condition`s) can never hold together is counted under each consistent
 * choice of conditions, not as every branch at once. Conditions the macro can evaluate (`Fn::Equals` of
 * parameter values, pseudo parameters) take their value; the others are free, and every combination of
 * them is tried, up to a bound past which each value counts at its own worst (the safe side).
 */
import { argumentsOf, intrinsicName, isNoValue, resolve, type TemplateContext } from "./read";
import { isObject, MAX_DEPTH, own, sameJson, setOwn, shallowCopy, type Json, type JsonObject } from "./json";

/** What a condition is under one choice: true, false, or undefined when it is not among those chosen. */
export type Truth = (condition: string) => boolean | undefined;

/** Free conditions (their `Fn::Equals` the macro cannot evaluate) tried together at most: 2^8 choices. */
export const MAX_FREE_CONDITIONS = 8;

const NO_CHOICE: Truth = () => undefined;
/** The one choice for values that name no condition, the common case: shared, as nothing is decided. */
const ONLY_NO_CHOICE: readonly Truth[] = Object.freeze([NO_CHOICE]);

export class ConditionSpace {
  private readonly conditions: JsonObject;

  constructor(
    conditions: unknown,
    private readonly context: TemplateContext,
  ) {
    this.conditions = isObject(conditions) ? conditions : {};
  }

  /**
   * Every consistent choice of truth for `names` (deduplicated), or one choice that decides nothing when
   * there are none, or too many free conditions behind them.
   */
  choices(names: Iterable<string>): readonly Truth[] {
    if (names instanceof Set && names.size === 0) return ONLY_NO_CHOICE;
    const wanted = [...new Set(names)].filter((name) => isObject(own(this.conditions, name)));
    if (wanted.length === 0) return ONLY_NO_CHOICE;
    const free: Json[] = [];
    for (const name of wanted) if (!this.collectFree(own(this.conditions, name), free, 0, new Set([name]))) return ONLY_NO_CHOICE;
    if (free.length > MAX_FREE_CONDITIONS) return ONLY_NO_CHOICE;
    const seen = new Set<string>();
    const out: Truth[] = [];
    for (let bits = 0; bits < 1 << free.length; bits++) {
      const atom = (expression: Json) => {
        const at = free.findIndex((candidate) => sameJson(candidate, expression));
        return at >= 0 && ((bits >> at) & 1) === 1;
      };
      const values = new Map<string, boolean>();
      for (const name of wanted) {
        const value = this.evaluate(own(this.conditions, name), atom, 0, new Set([name]));
        if (value !== undefined) values.set(name, value);
      }
      const key = wanted.map((name) => (values.has(name) ? (values.get(name) ? "1" : "0") : "?")).join("");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push((condition) => values.get(condition));
    }
    return out;
  }

  /** The `Fn::Equals` of a condition the macro cannot evaluate; false when the condition cannot be read. */
  private collectFree(expression: unknown, free: Json[], depth: number, visiting: Set<string>): boolean {
    if (depth > MAX_DEPTH || !isObject(expression)) return false;
    const name = intrinsicName(expression) ?? (Object.keys(expression).length === 1 && "Condition" in expression ? "Condition" : undefined);
    const args = name === undefined ? undefined : expression[name];
    if (name === "Condition") {
      if (typeof args !== "string" || visiting.has(args)) return false;
      return this.collectFree(own(this.conditions, args), free, depth + 1, new Set([...visiting, args]));
    }
    if (name === "Fn::Equals") {
      if (this.equals(args) === undefined && !free.some((known) => sameJson(known, expression))) free.push(expression);
      return true;
    }
    if ((name === "Fn::Not" || name === "Fn::And" || name === "Fn::Or") && Array.isArray(args)) return args.every((item) => this.collectFree(item, free, depth + 1, visiting));
    return false;
  }

  private evaluate(expression: unknown, atom: (expression: Json) => boolean, depth: number, visiting: Set<string>): boolean | undefined {
    if (depth > MAX_DEPTH || !isObject(expression)) return undefined;
    const name = intrinsicName(expression) ?? (Object.keys(expression).length === 1 && "Condition" in expression ? "Condition" : undefined);
    const args = name === undefined ? undefined : expression[name];
    switch (name) {
      case "Condition":
        if (typeof args !== "string" || visiting.has(args)) return undefined;
        return this.evaluate(own(this.conditions, args), atom, depth + 1, new Set([...visiting, args]));
      case "Fn::Equals":
        return this.equals(args) ?? atom(expression);
      case "Fn::Not": {
        const inner = Array.isArray(args) && args.length === 1 ? this.evaluate(args[0], atom, depth + 1, visiting) : undefined;
        return inner === undefined ? undefined : !inner;
      }
      case "Fn::And":
      case "Fn::Or": {
        if (!Array.isArray(args)) return undefined;
        const values = args.map((item) => this.evaluate(item, atom, depth + 1, visiting));
        if (values.some((value) => value === undefined)) return undefined;
        return name === "Fn::And" ? values.every(Boolean) : values.some(Boolean);
      }
      default:
        return undefined;
    }
  }

  /** An `Fn::Equals` whose sides both resolve: whether they are equal (as CloudFormation compares strings). */
  private equals(args: unknown): boolean | undefined {
    if (!Array.isArray(args) || args.length !== 2) return undefined;
    const [a, b] = args.map((side) => resolve(side, this.context));
    if (!a.known || !b.known) return undefined;
    return String(a.value) === String(b.value);
  }
}

/** The conditions a value's `Fn::If`s name (bounded by depth). */
export function conditionsIn(value: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return out;
  // Scalars are skipped here, not in a call each: environments and tags are mostly strings.
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null) conditionsIn(item, out, depth + 1);
    return out;
  }
  const branches = argumentsOf(value, "Fn::If");
  if (Array.isArray(branches) && typeof branches[0] === "string") out.add(branches[0]);
  for (const key in value as JsonObject) {
    const item = (value as JsonObject)[key];
    if (typeof item === "object" && item !== null) conditionsIn(item, out, depth + 1);
  }
  return out;
}

/**
 * `value` with each `Fn::If` whose condition `truth` decides replaced by its branch (an `AWS::NoValue`
 * branch removes the list item or map member); other intrinsics and undecided `Fn::If`s stay as written.
 * Returns `value` itself when nothing is decided, so the common case allocates nothing.
 */
export function specialize(value: unknown, truth: Truth, depth = 0): unknown {
  // A choice that decides nothing (no conditions named, or too many free ones) leaves every value as it is.
  if (truth === NO_CHOICE) return value;
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return value;
  const branches = argumentsOf(value, "Fn::If");
  if (Array.isArray(branches) && branches.length === 3 && typeof branches[0] === "string") {
    const holds = truth(branches[0]);
    if (holds !== undefined) {
      const chosen = holds ? branches[1] : branches[2];
      return isNoValue(chosen) ? undefined : specialize(chosen, truth, depth + 1);
    }
  }
  if (Array.isArray(value)) {
    let changed = false;
    const items: unknown[] = [];
    for (const item of value) {
      const next = specialize(item, truth, depth + 1);
      if (next !== item) changed = true;
      if (next !== undefined) items.push(next);
    }
    return changed ? items : value;
  }
  let copy: JsonObject | undefined;
  for (const key in value as JsonObject) {
    const item = (value as JsonObject)[key];
    const next = specialize(item, truth, depth + 1);
    if (next === item) continue;
    copy ??= shallowCopy(value as JsonObject);
    if (next === undefined) delete copy[key];
    else setOwn(copy, key, next as Json);
  }
  return copy ?? value;
}

/** Each value an `Fn::If` (nested ones too) may take, as written (other intrinsics included); `AWS::NoValue` as undefined. */
export function ifBranches(value: unknown, out: unknown[] = [], depth = 0): unknown[] {
  const branches = argumentsOf(value, "Fn::If");
  if (depth <= MAX_DEPTH && Array.isArray(branches) && branches.length === 3) {
    ifBranches(branches[1], out, depth + 1);
    ifBranches(branches[2], out, depth + 1);
  } else out.push(isNoValue(value) ? undefined : value);
  return out;
}
