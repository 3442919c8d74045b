/** Adds environment variables to a function without ever replacing one the user set, copy-on-write. */
import { CANNOT_EDIT, editBranches, filledWhereAbsent, hasOwn, isObject, literalBranches, own, shallowCopy, type Json, type JsonObject } from "../intrinsics";
import type { FunctionModel } from "../model";

const NONE: ReadonlyArray<readonly [string, Json]> = [];
const asObjectCache = new WeakMap<object, JsonObject>();

/** True when one of the variables is missing from the map, or set only under some conditions. */
function missesAny(map: JsonObject, ...lists: ReadonlyArray<readonly [string, Json]>[]): boolean {
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const name = list[i][0];
      if (!hasOwn(map, name) || filledWhereAbsent(map[name], list[i][1]) !== map[name]) return true;
    }
  }
  return false;
}

/** The additions as one object (built once per list). */
function asObject(additions: ReadonlyArray<readonly [string, Json]>): JsonObject {
  let object = asObjectCache.get(additions);
  if (object === undefined) {
    object = {};
    for (const [name, value] of additions) if (name !== "__proto__") object[name] = value;
    asObjectCache.set(additions, object);
  }
  return object;
}
const EMPTY: JsonObject = {};

/** Variables set by `Globals.Function.Environment` count as set by the user (SAM merges them in). */
export function inheritedVariables(fn: FunctionModel): JsonObject {
  if (fn.kind !== "serverless") return EMPTY;
  const variables = own(own(fn.globals, "Environment"), "Variables");
  return isObject(variables) ? variables : EMPTY;
}

/** True when the user set `name` on the function (in any branch) or in its Globals. */
export function userSetVariable(fn: FunctionModel, name: string): boolean {
  if (hasOwn(inheritedVariables(fn), name)) return true;
  return (literalBranches(fn.properties.Environment) ?? []).some((environment) =>
    (literalBranches(own(environment, "Variables")) ?? []).some((variables) => isObject(variables) && hasOwn(variables, name)),
  );
}

/**
 * `Environment` with each variable of `additions` the function (and its Globals) does not set yet:
 * a new value, the same value when nothing is missing, or CANNOT_EDIT when `Environment` or
 * `Variables` is an intrinsic other than `Fn::If` (or not a map).
 */
export function withVariables(current: unknown, additions: ReadonlyArray<readonly [string, Json]>, inherited: JsonObject, more: ReadonlyArray<readonly [string, Json]> = NONE): unknown {
  return editBranches(current, (environment) => {
    if (environment !== undefined && !isObject(environment)) return CANNOT_EDIT;
    const variables = editBranches(environment?.Variables, (branch) => {
      if (branch !== undefined && !isObject(branch)) return CANNOT_EDIT;
      let map: JsonObject | undefined;
      if (branch !== undefined && inherited === EMPTY && !hasOwn(branch, "__proto__") && missesAny(branch, additions, more)) {
        // Bulk copy of every addition, then the user's values put back: far faster than one store per variable.
        const all = asObject(additions);
        map = Object.assign({}, branch, all);
        for (const name in branch) if (hasOwn(all, name)) map[name] = filledWhereAbsent(branch[name], all[name]);
        for (const [name, value] of more) map[name] = hasOwn(branch, name) ? filledWhereAbsent(branch[name], value) : value;
        return map;
      }
      for (const list of [additions, more]) {
        for (let i = 0; i < list.length; i++) {
          const name = list[i][0];
          if (hasOwn(inherited, name)) continue;
          if (branch !== undefined && hasOwn(branch, name)) {
            // Set by the user: kept, unless some conditions leave it unset (then ours fills those branches).
            const filled = filledWhereAbsent(branch[name], list[i][1]);
            if (filled === branch[name]) continue;
            map ??= shallowCopy(branch);
            map[name] = filled;
            continue;
          }
          map ??= branch === undefined ? {} : shallowCopy(branch);
          map[name] = list[i][1];
        }
      }
      return map ?? branch;
    });
    if (variables === CANNOT_EDIT) return CANNOT_EDIT;
    if (variables === environment?.Variables) return environment;
    const edited: JsonObject = environment === undefined ? {} : shallowCopy(environment);
    edited.Variables = variables as Json;
    return edited;
  });
}
