/**
 * Properties of JSONata trace merging over generated JSONata definitions: every Lambda task's payload,
 * evaluated with the `jsonata` package as Step Functions would (each `{% %}` string evaluated with
 * `$states` bound), still holds what the function received before, plus `_datadog`; and a second
 * transform changes nothing.
 */
import fc from "fast-check";
import jsonata from "jsonata";
import { walkStates } from "../../src/stepfunctions/trace-context";
import { expressionOf } from "../../src/stepfunctions/jsonata-context";
import { run, template } from "../helpers/macro";
import { FORWARDER, INVOKE, stateMachine } from "../helpers/builders";

const REPLAY = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) } : {};
const LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The payload field of a Lambda step: `Arguments.Payload` for `lambda:invoke`, `Arguments` itself for a Lambda ARN. */
const payloadOf = (state: any): unknown => (state.Resource === LAMBDA_ARN ? state.Arguments : state.Arguments?.Payload);

const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,6}$/);
const literal: fc.Arbitrary<Json> = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string().filter((text) => expressionOf(text) === undefined));
const valueExpression = fc.constantFrom("{% $states.input.order %}", "{% $states.context.State.Name %}", "{% $count($states.input.items) %}", "{%$states.input%}");
const objectPayload = fc.dictionary(key, fc.oneof(literal, valueExpression, fc.dictionary(key, literal, { maxKeys: 2 })), { maxKeys: 4 });
const expressionPayload = fc.constantFrom(
  "{% $states.input %}",
  "{% $states.input.order %}",
  "{% {'order': $states.input.order, 'count': $count($states.input.items)} %}",
  "{% $merge([$states.input, {'step': $states.context.State.Name}]) %}",
  "{% $states.input.items %}",
  "{% $states.input.missing %}",
);
/** What a Lambda step's payload field holds: nothing, an object, or one expression. */
const payload = fc.oneof(fc.constant(undefined), objectPayload, expressionPayload);

const lambdaState = fc.record({ resource: fc.constantFrom(INVOKE, `${INVOKE}.waitForTaskToken`, LAMBDA_ARN), payload }).map(({ resource, payload }) => ({
  Type: "Task",
  Resource: resource,
  ...(resource === LAMBDA_ARN ? (payload === undefined ? {} : { Arguments: payload }) : { Arguments: { FunctionName: "orders", ...(payload === undefined ? {} : { Payload: payload }) } }),
}));

/** A chain of states, each `End` or `Next`, some of them Parallel or inline Map states holding their own chains. */
function chain(states: any[]): any {
  const names = states.map((_, i) => `S${i}`);
  return { StartAt: names[0], States: Object.fromEntries(states.map((state, i) => [names[i], { ...state, ...(i === states.length - 1 ? { End: true } : { Next: names[i + 1] }) }])) };
}
const nested = fc.array(lambdaState, { minLength: 1, maxLength: 2 });
const state = fc.oneof(
  { weight: 4, arbitrary: lambdaState },
  { weight: 1, arbitrary: nested.map((states) => ({ Type: "Parallel", Branches: [chain(states)] })) },
  { weight: 1, arbitrary: nested.map((states) => ({ Type: "Map", Items: "{% $states.input.items %}", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...chain(states) } })) },
);
const definition = fc.array(state, { minLength: 1, maxLength: 4 }).map((states) => ({ QueryLanguage: "JSONata", ...chain(states) }));

const upstream = fc.oneof(fc.constant(undefined), fc.constant({ "x-datadog-trace-id": "1234", "x-datadog-tags": "_dd.p.tid=66" }), fc.constant({ RootExecutionId: "arn:aws:states:us-east-1:123456789012:execution:parent:1" }));
const input = fc.record({ order: fc.oneof(fc.integer(), fc.string()), items: fc.array(fc.integer(), { maxLength: 3 }), extra: literal, _datadog: upstream }, { requiredKeys: ["order", "items"] });

/** `$states` as a JSONata state sees it. */
const statesFor = (stateInput: Json) => ({
  input: stateInput,
  context: {
    Execution: { Id: "arn:aws:states:us-east-1:123456789012:execution:orders:1", Name: "1", Input: stateInput, StartTime: "2026-01-01T00:00:00Z", RoleArn: "arn:aws:iam::123456789012:role/r" },
    State: { Name: "S0", EnteredTime: "2026-01-01T00:00:01Z", RetryCount: 0 },
    StateMachine: { Id: "arn:aws:states:us-east-1:123456789012:stateMachine:orders", Name: "orders" },
    Task: { Token: "token" },
  },
});

/** A JSONata field's value: `{% %}` strings evaluated, objects and arrays evaluated member by member. */
async function evaluate(value: unknown, states: object): Promise<unknown> {
  const text = expressionOf(value);
  if (text !== undefined) return jsonata(text).evaluate({}, { states });
  if (Array.isArray(value)) return Promise.all(value.map((item) => evaluate(item, states)));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await evaluate(v, states)] as const));
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

/** Every Lambda step's payload field, by path, in a definition. */
function lambdaPayloads(machine: any): Map<string, { resource: string; payload: unknown }> {
  const found = new Map<string, { resource: string; payload: unknown }>();
  let index = 0;
  walkStates(machine, (name, state) => {
    if (typeof state.Resource === "string") found.set(`${index++}:${name}`, { resource: state.Resource, payload: payloadOf(state) });
  });
  return found;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

describe("JSONata trace merging (property)", () => {
  test("every Lambda task's payload evaluates to what it was, plus _datadog; a second transform changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(definition, input, async (machine, stateInput) => {
        const before = lambdaPayloads(machine);
        const outcome = run(template({ M: stateMachine({ Definition: machine }) }), { stepFunctionForwarderArn: FORWARDER });
        expect(outcome.ok).toBe(true);
        expect(outcome.warnings).toEqual([]);
        const out = (outcome.fragment as any).Resources.M.Properties.Definition;
        const after = lambdaPayloads(out);
        expect([...after.keys()]).toEqual([...before.keys()]);

        const states = statesFor(stateInput as Json);
        for (const [path, { resource, payload }] of before) {
          // Absent, a Lambda ARN step sends its whole input; a lambda:invoke step sends nothing.
          const original = payload === undefined ? (resource === LAMBDA_ARN ? stateInput : undefined) : await evaluate(payload, states);
          const merged = await evaluate(after.get(path)!.payload, states);
          if (original !== undefined && !isPlainObject(original)) {
            // An expression that gives something else than an object (or nothing) is passed as it was.
            expect(merged).toEqual(original);
            continue;
          }
          expect(isPlainObject(merged)).toBe(true);
          // An upstream `_datadog` the input carried is replaced by the context built from it.
          const { _datadog, ...rest } = merged as Record<string, any>;
          const { _datadog: _upstream, ...originalRest } = (original ?? {}) as Record<string, unknown>;
          expect(rest).toEqual(originalRest);
          expect(_datadog).toMatchObject({ "serverless-version": "v1", StateMachine: states.context.StateMachine, State: states.context.State });
          expect(_datadog.Execution).toEqual({ ...states.context.Execution, Input: undefined });
          const up = (stateInput as any)._datadog;
          if (up?.["x-datadog-trace-id"]) expect(_datadog).toMatchObject(up);
          else expect(_datadog.RootExecutionId).toBe(up?.RootExecutionId ?? states.context.Execution.Id);
        }

        const again = run(outcome.fragment, { stepFunctionForwarderArn: FORWARDER });
        expect(again.ok).toBe(true);
        expect(JSON.stringify(again.fragment)).toBe(JSON.stringify(outcome.fragment));
      }),
      { numRuns: 60, ...REPLAY },
    );
  });
});
