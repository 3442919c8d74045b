/**
 * Trace merging: Lambda invocations and nested executions receive the execution context, so Datadog can
 * link their traces to the state machine's. Rules follow the reference macro; anything custom is left
 * alone with a warning.
 */
import { isIntrinsic, isObject, type JsonObject } from "../intrinsics";

/** A map the macro may add keys to: an object that is not an intrinsic function. */
const isMap = (value: unknown): value is JsonObject => isObject(value) && !isIntrinsic(value);

export const CONTEXT_PATH = "$$['Execution', 'State', 'StateMachine']";
export const MERGED_INPUT = "States.JsonMerge($$, $, false)";
const CONTEXT_FIELDS: Record<string, string> = { "Execution.$": "$$.Execution", "State.$": "$$.State", "StateMachine.$": "$$.StateMachine" };

const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke/;
const LAMBDA_ARN = /^arn:[\w-]+:lambda:/;
const START_EXECUTION = /^arn:[\w-]+:states:::states:startExecution/;

/** A state the trace context was not injected into, and why. */
export interface StateLeftAlone {
  state: string;
  problem: string;
}

/** Which steps receive the context: Lambda invocations, nested executions (`states:startExecution`). */
export interface Injection {
  lambda: boolean;
  nested: boolean;
}

const BOTH: Injection = { lambda: true, nested: true };

/**
 * Edits `definition` (the macro's own parsed copy) in place; returns the states left alone.
 * `resolveResource` turns a `${Name}` placeholder of DefinitionSubstitutions into what it stands for.
 */
export function injectTraceContext(definition: JsonObject, resolveResource: (resource: string) => string = (r) => r, into: Injection = BOTH): StateLeftAlone[] {
  const leftAlone: StateLeftAlone[] = [];
  walkStates(definition, (name, state) => {
    const resource = typeof state.Resource === "string" ? resolveResource(state.Resource) : "";
    const problem = LAMBDA_INVOKE.test(resource)
      ? into.lambda ? lambdaInvoke(state) : undefined
      : LAMBDA_ARN.test(resource)
        ? into.lambda ? lambdaArn(state) : undefined
        : START_EXECUTION.test(resource)
          ? into.nested ? startExecution(state) : undefined
          : undefined;
    if (problem) leftAlone.push({ state: name, problem });
  });
  return leftAlone;
}

/** Visits every state, including those inside Parallel branches and Map iterators / item processors. */
export function walkStates(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  // Iterative, so a deeply nested definition cannot exhaust the stack.
  const pending: JsonObject[] = [machine];
  for (let machine = pending.pop(); machine !== undefined; machine = pending.pop()) {
    if (!isMap(machine.States)) continue;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isMap(state)) continue;
      visit(name, state);
      if (Array.isArray(state.Branches)) for (const branch of state.Branches) if (isMap(branch)) pending.push(branch);
      for (const nested of [state.Iterator, state.ItemProcessor]) if (isMap(nested)) pending.push(nested);
    }
  }
}

function lambdaInvoke(state: JsonObject): string | undefined {
  if (!isMap(state.Parameters)) return "has no Parameters object";
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
  return isMap(parameters.Payload) ? addContextFields(parameters.Payload) : "has a Payload that is not an object";
}

/** A Lambda ARN as Resource: Parameters, when present, is the payload itself. */
function lambdaArn(state: JsonObject): string | undefined {
  if (!isMap(state.Parameters)) return "passes its whole input to the function (no Parameters to add the context to)";
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
  if (!isMap(state.Parameters)) return "has no Parameters object";
  const parameters = state.Parameters;
  if (parameters.Input === undefined && parameters["Input.$"] === undefined) {
    parameters.Input = { "CONTEXT.$": MERGED_INPUT };
    return undefined;
  }
  if (!isMap(parameters.Input)) return "has an Input that is not an object";
  const input = parameters.Input;
  if (input["CONTEXT.$"] === MERGED_INPUT || input["CONTEXT.$"] === CONTEXT_PATH) return undefined;
  if ("CONTEXT" in input || "CONTEXT.$" in input) return "already sets CONTEXT in its Input";
  input["CONTEXT.$"] = CONTEXT_PATH;
  return undefined;
}
