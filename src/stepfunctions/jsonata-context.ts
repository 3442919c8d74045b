/**
 * Trace merging in JSONata states: the Datadog context is a `{% %}` expression under `_datadog`, in a
 * Lambda payload, a nested execution's input or a Distributed Map's batch input. The expressions follow
 * Datadog's Step Functions pages; `{% %}` is only allowed as a whole string value, so the user's payload
 * is either an object (the macro adds a key) or one expression (the macro wraps it in a `$merge`).
 */
import { isIntrinsic, isObject, type JsonObject } from "../intrinsics";

/** The query language of a state: its own `QueryLanguage`, else the enclosing one's (JSONPath by default). */
export type QueryLanguage = "JSONPath" | "JSONata";

export function queryLanguageOf(holder: JsonObject, inherited: QueryLanguage): QueryLanguage {
  return holder.QueryLanguage === "JSONata" || holder.QueryLanguage === "JSONPath" ? holder.QueryLanguage : inherited;
}

/**
 * `$ddTrace`: the upstream trace (`_datadog` of the execution's input, or of its batch input in a Distributed
 * Map's child) when there is one, else the root execution. No `$parse` of upstream bodies: a body that is not
 * JSON would fail the state.
 */
const UPSTREAM_TRACE =
  "$ddInput := $exists($states.context.Execution.Input.BatchInput) ? $states.context.Execution.Input.BatchInput : $states.context.Execution.Input; " +
  "$ddUpstream := $ddInput._datadog; " +
  "$ddTrace := $exists($ddUpstream.`x-datadog-trace-id`) ? {'x-datadog-trace-id': $ddUpstream.`x-datadog-trace-id`, 'x-datadog-tags': $ddUpstream.`x-datadog-tags`} " +
  ": {'RootExecutionId': $exists($ddUpstream.RootExecutionId) ? $ddUpstream.RootExecutionId : $states.context.Execution.Id}";
/** Without `propagateUpstreamTrace`: this execution is the root. */
const LOCAL_TRACE = "$ddTrace := {'RootExecutionId': $states.context.Execution.Id}";
/** The context object without the execution's input (which may be large, and is the function's already). */
const STATE_CONTEXT = "$merge([$states.context, {'Execution': $sift($states.context.Execution, function($v, $k) { $k != 'Input' })}])";

const traceOf = (upstream: boolean) => (upstream ? UPSTREAM_TRACE : LOCAL_TRACE);

/** What a Lambda function or a nested execution receives as `_datadog`. */
export const taskContext = (upstream: boolean): string => `(${traceOf(upstream)}; $merge([${STATE_CONTEXT}, $ddTrace, {'serverless-version': 'v1'}]))`;
/** What a Distributed Map's child executions receive as `BatchInput._datadog`. */
export const batchContext = (upstream: boolean): string => `(${traceOf(upstream)}; $merge([$ddTrace, {'serverless-version': 'v1', 'timestamp': $millis()}]))`;

/** Every context expression the macro writes, to recognise its own work whatever the parameters were. */
const OWN_CONTEXTS = [true, false].flatMap((upstream) => [taskContext(upstream), batchContext(upstream)]);

export const expression = (jsonata: string): string => `{% ${jsonata} %}`;
const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** The JSONata inside a `{% %}` string, or undefined for any other value. */
export function expressionOf(value: unknown): string | undefined {
  return typeof value === "string" ? EXPRESSION.exec(value)?.[1].trim() : undefined;
}

const MERGED_HEAD = "($ddPayload := (";
const mergedTail = (context: string) => `); $exists($ddPayload) and $type($ddPayload) != 'object' ? $ddPayload : $merge([$ddPayload, {'_datadog': ${context}}]))`;

/**
 * The user's expression with `_datadog` added when it evaluates to an object (or to nothing: then `_datadog`
 * alone, as for an absent payload); anything else (a string, an array) passes as it was, rather than fail the state.
 */
export const mergedExpression = (jsonata: string, context: string): string => `${MERGED_HEAD}${jsonata.trim()}${mergedTail(context)}`;

function isOwnMerge(jsonata: string): boolean {
  return jsonata.startsWith(MERGED_HEAD) && OWN_CONTEXTS.some((context) => jsonata.endsWith(mergedTail(context)));
}

/** What a state's payload field means when absent: nothing is sent, or the state's whole input is. */
export type WhenAbsent = "nothing" | "input";

/**
 * Adds `_datadog` (the `context` expression) to `holder[key]`, so the receiver gets what it got before plus
 * the context. Returns why it could not, if it could not.
 */
export function mergeContext(holder: JsonObject, key: string, context: string, absent: WhenAbsent): string | undefined {
  const value = holder[key];
  if (value === undefined) {
    holder[key] = absent === "nothing" ? { _datadog: expression(context) } : expression(mergedExpression("$states.input", context));
    return undefined;
  }
  const jsonata = expressionOf(value);
  if (jsonata !== undefined) {
    if (isOwnMerge(jsonata)) return undefined;
    // An expression that builds `_datadog` itself (Datadog's own snippet, say) is the user's to keep.
    if (jsonata.includes("_datadog")) return `already builds _datadog in its ${key} expression`;
    holder[key] = expression(mergedExpression(jsonata, context));
    return undefined;
  }
  if (isObject(value) && !isIntrinsic(value)) {
    if (!("_datadog" in value)) {
      value._datadog = expression(context);
      return undefined;
    }
    return OWN_CONTEXTS.some((own) => value._datadog === expression(own)) ? undefined : `already sets _datadog in its ${key}`;
  }
  return `has a ${key} that ${describe(value)}`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return "is a string, not a {% %} expression";
  if (Array.isArray(value)) return "is an array";
  if (isIntrinsic(value)) return "is an intrinsic function";
  return `is ${value === null ? "null" : `a ${typeof value}`}`;
}
