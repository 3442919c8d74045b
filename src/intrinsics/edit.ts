/**
 * Writing into values that may be intrinsic functions: every branch of an `Fn::If` is edited, no key
 * is ever added beside an intrinsic, and values are never edited in place (the input fragment stays
 * as received: a failure returns it).
 */
import { ifCondition } from "./build";
import { hasOwn, isObject, MAX_DEPTH, own, sameJson, type Json, type JsonObject } from "./json";
import { intrinsicName, isNoValue, type When } from "./read";

/** Returned by `editBranches` when a value (or a branch) is an intrinsic that cannot be edited. */
export const CANNOT_EDIT: unique symbol = Symbol("cannot edit");

/**
 * Applies `edit` to each branch of a value that may be an `Fn::If` (nested ones too). A branch that
 * is `AWS::NoValue` reaches `edit` as undefined, so a property absent in one branch can be created
 * there. `edit` must not change its argument: it returns a new value, or the argument itself when
 * nothing changes, and then so does `editBranches`, so callers compare by identity.
 * Returns CANNOT_EDIT when the value (or a branch) is another intrinsic, or `edit` returns CANNOT_EDIT.
 */
export function editBranches(value: unknown, edit: (branch: unknown) => unknown, depth = 0): unknown {
  if (value === undefined || isNoValue(value)) {
    const edited = edit(undefined);
    return edited === undefined ? value : edited;
  }
  const name = intrinsicName(value);
  // A map holding an intrinsic's key beside others is no valid value: nothing is added to it.
  if (name === undefined) return hasIntrinsicKey(value) ? CANNOT_EDIT : edit(value);
  if (name !== "Fn::If" || depth > MAX_DEPTH) return CANNOT_EDIT;
  const args = (value as JsonObject)["Fn::If"];
  if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== "string") return CANNOT_EDIT;
  const whenTrue = editBranches(args[1], edit, depth + 1);
  if (whenTrue === CANNOT_EDIT) return CANNOT_EDIT;
  const whenFalse = editBranches(args[2], edit, depth + 1);
  if (whenFalse === CANNOT_EDIT) return CANNOT_EDIT;
  if (whenTrue === args[1] && whenFalse === args[2]) return value;
  return ifCondition(args[0], whenTrue as Json | undefined, whenFalse as Json | undefined);
}

/**
 * A value the user set, completed with `filler` in the `Fn::If` branches where it is `AWS::NoValue`
 * (absent under some conditions): the user's value wins wherever it is set. Any other value as it is.
 */
export function filledWhereAbsent(value: Json, filler: Json): Json {
  // Exactly the filler already (a parameter given as Fn::If, written by an earlier run): complete.
  if (intrinsicName(value) !== "Fn::If" || sameJson(value, filler)) return value;
  const filled = editBranches(value, (branch) => (branch === undefined ? filler : branch));
  return filled === CANNOT_EDIT ? value : (filled as Json);
}

function hasIntrinsicKey(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (key === "Ref" || key.startsWith("Fn::")) return true;
  return false;
}

/**
 * The literal branches of a possibly `Fn::If` value (an absent or `AWS::NoValue` branch as undefined),
 * or undefined when the value or a branch is another intrinsic.
 */
export function literalBranches(value: unknown): unknown[] | undefined {
  if (value === undefined || intrinsicName(value) === undefined) return [value];
  const branches: unknown[] = [];
  const edited = editBranches(value, (branch) => {
    branches.push(branch);
    return branch;
  });
  return edited === CANNOT_EDIT ? undefined : branches;
}

/**
 * The part of a value that applies when the conditions `when` hold: an `Fn::If` on a condition `when`
 * decides is replaced by the branch it picks (nested ones too); the rest stays as it is.
 */
export function branchUnder(value: unknown, when: When, depth = 0): unknown {
  if (depth > MAX_DEPTH || intrinsicName(value) !== "Fn::If") return value;
  const args = (value as JsonObject)["Fn::If"];
  if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== "string") return value;
  const holds = own(when, args[0]);
  if (holds === undefined) {
    const whenTrue = branchUnder(args[1], when, depth + 1);
    const whenFalse = branchUnder(args[2], when, depth + 1);
    return whenTrue === args[1] && whenFalse === args[2] ? value : ifCondition(args[0], whenTrue as Json, whenFalse as Json);
  }
  const picked = holds ? args[1] : args[2];
  return isNoValue(picked) ? undefined : branchUnder(picked, when, depth + 1);
}

/**
 * Builds a value that depends on conditions: `Fn::If` on the conditions that tell the cases apart,
 * with `leaf(case)` at each end (undefined: `AWS::NoValue`). The cases come from `possibleValues`, so
 * they exclude each other and cover every deployment; at most MAX_POSSIBILITIES of them.
 */
export function conditionalValue<T>(cases: { value: T; when: When }[], leaf: (value: T) => Json | undefined): Json | undefined {
  const build = (live: { value: T; when: When }[], assumed: Record<string, boolean>): Json | undefined => {
    const results = live.map((c) => leaf(c.value));
    const first = JSON.stringify(results[0]);
    if (live.length === 1 || results.every((r) => JSON.stringify(r) === first)) return results[0];
    const open = (name: string) => !hasOwn(assumed, name);
    const condition = Object.keys(live[0].when).find(open) ?? live.flatMap((c) => Object.keys(c.when)).find(open);
    if (condition === undefined) return results[0];
    const split = (holds: boolean) => {
      const next = { ...assumed };
      Object.defineProperty(next, condition, { value: holds, enumerable: true });
      return build(live.filter((c) => own(c.when, condition) === undefined || own(c.when, condition) === holds), next);
    };
    return ifCondition(condition, split(true), split(false));
  };
  if (cases.length === 1) return leaf(cases[0].value);
  return cases.length === 0 ? undefined : build(cases, {});
}
