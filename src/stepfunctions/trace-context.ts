/**
 * Trace merging: Lambda invocations and nested executions receive the execution context, so Datadog can
 * link their traces to the state machine's. JSONPath states get the `$$` fields the reference macro uses;
 * JSONata states get `_datadog` expressions (./jsonata-context). Anything custom is left alone with a warning.
 */
import { isIntrinsic, isObject, type JsonObject } from "../intrinsics";
import { batchContext, mergeContext, queryLanguageOf, taskContext, type QueryLanguage } from "./jsonata-context";

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
  /** For a JSONata state: where `_datadog` belongs, and the expression to give it. */
  jsonata?: { where: string; context: string };
}

/** Which steps receive the context: Lambda invocations, nested executions (`states:startExecution`, Distributed Maps). */
export interface Injection {
  lambda: boolean;
  nested: boolean;
  /** JSONata states pass on the `_datadog` of the machine's own input (`propagateUpstreamTrace`). */
  upstream: boolean;
}

const ALL: Injection = { lambda: true, nested: true, upstream: true };

export interface Injected {
  leftAlone: StateLeftAlone[];
  /** Some JSONata Lambda step passes `_datadog`, which only recent Datadog layers read. */
  jsonataLambda: boolean;
}

type StepKind = "invoke" | "arn" | "nested" | "distributedMap";

/**
 * Edits `definition` (the macro's own parsed copy) in place; returns the states left alone.
 * `resolveResource` turns a `${Name}` placeholder of DefinitionSubstitutions into what it stands for.
 */
export function injectTraceContext(definition: JsonObject, resolveResource: (resource: unknown) => string = (r) => (typeof r === "string" ? r : ""), into: Injection = ALL): Injected {
  const injected: Injected = { leftAlone: [], jsonataLambda: false };
  walkStates(definition, (name, state, language) => {
    const kind = stepKind(state, resolveResource);
    if (kind === undefined || !(kind === "invoke" || kind === "arn" ? into.lambda : into.nested)) return;
    if (language === "JSONata") {
      const left = jsonataStep(kind, state, into.upstream);
      if (left) injected.leftAlone.push({ state: name, ...left });
      else if (kind === "invoke" || kind === "arn") injected.jsonataLambda = true;
      return;
    }
    const problem = kind === "invoke" ? lambdaInvoke(state) : kind === "arn" ? lambdaArn(state) : kind === "nested" ? startExecution(state) : undefined;
    if (problem) injected.leftAlone.push({ state: name, problem });
  });
  return injected;
}

function stepKind(state: JsonObject, resolveResource: (resource: unknown) => string): StepKind | undefined {
  const resource = state.Resource === undefined ? "" : resolveResource(state.Resource);
  if (LAMBDA_INVOKE.test(resource)) return "invoke";
  if (LAMBDA_ARN.test(resource)) return "arn";
  if (START_EXECUTION.test(resource)) return "nested";
  const processor = isMap(state.ItemProcessor) ? state.ItemProcessor : undefined;
  return state.Type === "Map" && isMap(processor?.ProcessorConfig) && processor.ProcessorConfig.Mode === "DISTRIBUTED" ? "distributedMap" : undefined;
}

/**
 * Visits every state with its query language, including those inside Parallel branches and Map iterators /
 * item processors (which inherit the enclosing state's language unless they set their own).
 */
export function walkStates(machine: JsonObject, visit: (name: string, state: JsonObject, language: QueryLanguage) => void): void {
  // Iterative, so a deeply nested definition cannot exhaust the stack.
  const pending: { machine: JsonObject; inherited: QueryLanguage }[] = [{ machine, inherited: "JSONPath" }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { machine } = next;
    if (!isMap(machine.States)) continue;
    const machineLanguage = queryLanguageOf(machine, next.inherited);
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isMap(state)) continue;
      const language = queryLanguageOf(state, machineLanguage);
      visit(name, state, language);
      if (Array.isArray(state.Branches)) for (const branch of state.Branches) if (isMap(branch)) pending.push({ machine: branch, inherited: language });
      for (const nested of [state.Iterator, state.ItemProcessor]) if (isMap(nested)) pending.push({ machine: nested, inherited: language });
    }
  }
}

/** A JSONata step: `_datadog` in its payload (Arguments itself for a Lambda ARN resource), input or batch input. */
function jsonataStep(kind: StepKind, state: JsonObject, upstream: boolean): Omit<StateLeftAlone, "state"> | undefined {
  const task = taskContext(upstream);
  if (kind === "invoke") return inArguments(state, "Payload", task);
  if (kind === "nested") return inArguments(state, "Input", task);
  if (kind === "arn") return leftAlone(mergeContext(state, "Arguments", task, "input"), "Arguments", task);
  const batch = batchContext(upstream);
  if (!isMap(state.ItemBatcher)) return { problem: "is a Distributed Map without an ItemBatcher object (add one; MaxItemsPerBatch 1 keeps one item per child execution)", jsonata: { where: "ItemBatcher.BatchInput", context: batch } };
  return leftAlone(mergeContext(state.ItemBatcher, "BatchInput", batch, "nothing"), "ItemBatcher.BatchInput", batch);
}

function inArguments(state: JsonObject, key: string, context: string): Omit<StateLeftAlone, "state"> | undefined {
  const where = `Arguments.${key}`;
  if (!isMap(state.Arguments)) return { problem: state.Arguments === undefined ? "has no Arguments object" : "has Arguments that are not an object", jsonata: { where, context } };
  return leftAlone(mergeContext(state.Arguments, key, context, "nothing"), where, context);
}

const leftAlone = (problem: string | undefined, where: string, context: string): Omit<StateLeftAlone, "state"> | undefined => (problem === undefined ? undefined : { problem, jsonata: { where, context } });

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
