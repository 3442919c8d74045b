/**
 * Trace merging: Lambda invocations and nested executions receive the execution context, so Datadog can
 * link their traces to the state machine's. Rules follow the reference macro; anything custom is left
 * alone with a warning.
 */
import { isObject, type JsonObject } from "../intrinsics";

export const CONTEXT_PATH = "$$['Execution', 'State', 'StateMachine']";
export const MERGED_INPUT = "States.JsonMerge($$, $, false)";
const CONTEXT_FIELDS: Record<string, string> = { "Execution.$": "$$.Execution", "State.$": "$$.State", "StateMachine.$": "$$.StateMachine" };

const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke/;
const LAMBDA_ARN = /^arn:[\w-]+:lambda:/;
const START_EXECUTION = /^arn:[\w-]+:states:::states:startExecution/;

/**
 * Edits `definition` in place; returns the warnings for states left alone. `resolveResource` turns a
 * `${Name}` placeholder of DefinitionSubstitutions into what it stands for, when that is known.
 */
export function injectTraceContext(definition: JsonObject, owner: string, resolveResource: (resource: string) => string = (r) => r): string[] {
  const warnings: string[] = [];
  walkStates(definition, (name, state) => {
    const resource = typeof state.Resource === "string" ? resolveResource(state.Resource) : "";
    const problem = LAMBDA_INVOKE.test(resource)
      ? lambdaInvoke(state)
      : LAMBDA_ARN.test(resource)
        ? lambdaArn(state)
        : START_EXECUTION.test(resource)
          ? startExecution(state)
          : undefined;
    if (problem) warnings.push(`${owner}: state "${name}" ${problem}; trace context not injected there.`);
  });
  return warnings;
}

/** Visits every state, including those inside Parallel branches and Map iterators / item processors. */
export function walkStates(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  if (!isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    visit(name, state);
    if (Array.isArray(state.Branches)) state.Branches.forEach((branch) => isObject(branch) && walkStates(branch, visit));
    for (const nested of [state.Iterator, state.ItemProcessor]) if (isObject(nested)) walkStates(nested, visit);
  }
}

function lambdaInvoke(state: JsonObject): string | undefined {
  if (!isObject(state.Parameters)) return "has no Parameters object";
  const parameters = state.Parameters;
  if (parameters.Payload === undefined && parameters["Payload.$"] === undefined) {
    parameters["Payload.$"] = CONTEXT_PATH;
    return undefined;
  }
  const path = parameters["Payload.$"];
  if (path === "$") {
    parameters["Payload.$"] = MERGED_INPUT;
    return undefined;
  }
  if (path === MERGED_INPUT || path === CONTEXT_PATH) return undefined;
  if (path !== undefined) return `has a custom Payload.$ (${String(path)})`;
  return isObject(parameters.Payload) ? addContextFields(parameters.Payload) : "has a Payload that is not an object";
}

/** A Lambda ARN as Resource: Parameters, when present, is the payload itself. */
function lambdaArn(state: JsonObject): string | undefined {
  if (!isObject(state.Parameters)) return "passes its whole input to the function (no Parameters to add the context to)";
  return addContextFields(state.Parameters);
}

function addContextFields(payload: JsonObject): string | undefined {
  const present = Object.keys(CONTEXT_FIELDS).filter((key) => key in payload || key.slice(0, -2) in payload);
  if (present.length === 0) {
    Object.assign(payload, CONTEXT_FIELDS);
    return undefined;
  }
  const ours = Object.entries(CONTEXT_FIELDS).every(([key, value]) => payload[key] === value);
  return ours ? undefined : `already sets ${present.map((key) => key.slice(0, -2)).join(", ")} in its payload`;
}

function startExecution(state: JsonObject): string | undefined {
  if (!isObject(state.Parameters)) return "has no Parameters object";
  const parameters = state.Parameters;
  if (parameters.Input === undefined && parameters["Input.$"] === undefined) {
    parameters.Input = { "CONTEXT.$": MERGED_INPUT };
    return undefined;
  }
  if (!isObject(parameters.Input)) return "has an Input that is not an object";
  const input = parameters.Input;
  if (input["CONTEXT.$"] === MERGED_INPUT || input["CONTEXT.$"] === CONTEXT_PATH) return undefined;
  if ("CONTEXT" in input || "CONTEXT.$" in input) return "already sets CONTEXT in its Input";
  input["CONTEXT.$"] = CONTEXT_PATH;
  return undefined;
}
