/** Adds environment variables to a function without ever replacing one the user set, copy-on-write. */
import { CANNOT_EDIT, editBranches, hasOwn, isObject, literalBranches, own, shallowCopy, type Json, type JsonObject } from "../intrinsics";
import type { FunctionModel } from "../model";

/** Variables set by `Globals.Function.Environment` count as set by the user (SAM merges them in). */
export function inheritedVariables(fn: FunctionModel): JsonObject {
  const variables = own(own(fn.globals, "Environment"), "Variables");
  return isObject(variables) ? variables : {};
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
export function withVariables(current: unknown, additions: ReadonlyArray<readonly [string, Json]>, inherited: JsonObject): unknown {
  return editBranches(current, (environment) => {
    if (environment !== undefined && !isObject(environment)) return CANNOT_EDIT;
    const variables = editBranches(environment?.Variables, (branch) => {
      if (branch !== undefined && !isObject(branch)) return CANNOT_EDIT;
      let map: JsonObject | undefined;
      for (const [name, value] of additions) {
        if ((branch !== undefined && hasOwn(branch, name)) || hasOwn(inherited, name)) continue;
        map ??= branch === undefined ? {} : shallowCopy(branch);
        map[name] = value;
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
