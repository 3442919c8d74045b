/** Adds environment variables to a function without ever replacing one the user set. */
import { editBranches, everyBranch, isObject, sameJson, type Json, type JsonObject } from "../intrinsics";
import { properties, writableProperties, type FunctionModel } from "../discover";

/** Variables set by `Globals.Function.Environment` count as set by the user (SAM merges them in). */
function inheritedVariables(fn: FunctionModel): JsonObject {
  const environment = fn.globals.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
}

/** True when the user set `name` on the function (in any branch) or in its Globals. */
export function userSetVariable(fn: FunctionModel, name: string): boolean {
  if (name in inheritedVariables(fn)) return true;
  let found = false;
  everyBranch(properties(fn.resource).Environment, (environment) =>
    everyBranch(isObject(environment) ? environment.Variables : undefined, (variables) => {
      if (isObject(variables) && name in variables) found = true;
      return true;
    }),
  );
  return found;
}

/**
 * Adds each variable the function (and its Globals) does not set yet.
 * Returns false, changing nothing, when `Environment` or `Variables` is an intrinsic other than `Fn::If`.
 */
export function addEnvironmentVariables(fn: FunctionModel, additions: Record<string, Json>): boolean {
  const inherited = inheritedVariables(fn);
  const wanted = Object.entries(additions).filter(([name]) => !(name in inherited));
  if (wanted.length === 0) return true;
  const props = writableProperties(fn.resource);
  const edited = editBranches(props.Environment, (environment) => {
    if (environment !== undefined && !isObject(environment)) return undefined;
    const base: JsonObject = environment ?? {};
    const variables = editBranches(base.Variables, (current) => {
      if (current !== undefined && !isObject(current)) return undefined;
      const next: JsonObject = { ...(current ?? {}) };
      for (const [name, value] of wanted) if (!(name in next)) next[name] = value;
      return next;
    });
    return variables === undefined ? undefined : { ...base, Variables: variables as Json };
  });
  if (edited === undefined) return false;
  if (!sameJson(edited, props.Environment)) props.Environment = edited as Json;
  return true;
}
