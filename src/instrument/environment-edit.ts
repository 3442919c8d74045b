/** Adds environment variables to a function without ever replacing one the user set. */
import { editBranches, isObject, literalBranches, type Json, type JsonObject } from "../intrinsics";
import { properties, writableProperties, type FunctionModel } from "../discover";

/** Variables set by `Globals.Function.Environment` count as set by the user (SAM merges them in). */
function inheritedVariables(fn: FunctionModel): JsonObject {
  const environment = fn.globals.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
}

/** True when the user set `name` on the function (in any branch) or in its Globals. */
export function userSetVariable(fn: FunctionModel, name: string): boolean {
  if (name in inheritedVariables(fn)) return true;
  return (literalBranches(properties(fn.resource).Environment) ?? []).some((environment) =>
    (literalBranches(isObject(environment) ? environment.Variables : undefined) ?? []).some((variables) => isObject(variables) && name in variables),
  );
}

/**
 * Adds each variable the function (and its Globals) does not set yet. The fragment belongs to the
 * transform (copied, or handed over by the handler), so existing maps are extended in place.
 * Returns false, changing nothing, when `Environment` or `Variables` is an intrinsic other than `Fn::If`.
 */
export function addEnvironmentVariables(fn: FunctionModel, additions: Record<string, Json>): boolean {
  const inherited = inheritedVariables(fn);
  const current = properties(fn.resource).Environment;
  const editable = literalBranches(current)?.every(
    (environment) =>
      environment === undefined ||
      (isObject(environment) && literalBranches(environment.Variables)?.every((variables) => variables === undefined || isObject(variables))),
  );
  if (!editable) return false;
  const edited = editBranches(current, (environment) => {
    const target = (environment ?? {}) as JsonObject;
    const variables = editBranches(target.Variables, (branch) => {
      const map = (branch ?? {}) as JsonObject;
      let added = false;
      for (const name in additions) {
        if (!(name in map) && !(name in inherited)) {
          map[name] = additions[name];
          added = true;
        }
      }
      return added ? map : branch;
    });
    if (variables === target.Variables) return environment;
    target.Variables = variables as Json;
    return target;
  });
  if (edited !== current) writableProperties(fn.resource).Environment = edited as Json;
  return true;
}
