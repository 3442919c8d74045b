import { readDefinition } from "../../src/stepfunctions/definition";
import { CONTEXT_PATH, injectTraceContext, MERGED_INPUT, walkStates } from "../../src/stepfunctions/trace-context";
import { batchContext, expression, mergedExpression, taskContext } from "../../src/stepfunctions/jsonata-context";
import { instrument, run, template } from "../helpers/macro";
import { FORWARDER, INVOKE, node, rolelessMachine, stateMachine } from "../helpers/builders";
import { respondTo } from "../helpers/handler";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const params = { stepFunctionForwarderArn: FORWARDER };

describe("trace context in the definition", () => {
  const task = (parameters?: Record<string, unknown>, resource = INVOKE): any => ({ StartAt: "T", States: { T: { Type: "Task", Resource: resource, ...(parameters ? { Parameters: parameters } : {}), End: true } } });
  const parametersOf = (definition: any) => definition.States.T.Parameters;

  test.each([
    ["no Payload: the context", { FunctionName: "f" }, { FunctionName: "f", "Payload.$": CONTEXT_PATH }],
    ['Payload.$ "$": input merged with the context', { FunctionName: "f", "Payload.$": "$" }, { FunctionName: "f", "Payload.$": MERGED_INPUT }],
    ["a Payload object: three context fields", { Payload: { a: 1 } }, { Payload: { a: 1, "Execution.$": "$$.Execution", "State.$": "$$.State", "StateMachine.$": "$$.StateMachine" } }],
  ])("Lambda invoke with %s", (_name, before, after) => {
    const definition = task(before);
    expect(injectTraceContext(definition).leftAlone).toEqual([]);
    expect(parametersOf(definition)).toEqual(after);
  });

  test("custom payloads are left alone with a warning", () => {
    const custom = task({ "Payload.$": "$.detail" });
    expect(injectTraceContext(custom).leftAlone[0]).toEqual({ state: "T", problem: expect.stringMatching(/has a custom Payload.\$/) });
    expect(parametersOf(custom)).toEqual({ "Payload.$": "$.detail" });
    const partial = task({ Payload: { "Execution.$": "$$.Execution" } });
    expect(injectTraceContext(partial).leftAlone[0].problem).toMatch(/already sets Execution/);
  });

  test("a Lambda ARN resource gets the fields in its Parameters, or a warning without them", () => {
    const arn = "arn:aws:lambda:us-east-1:1:function:f";
    const withParameters = task({ a: 1 }, arn);
    expect(injectTraceContext(withParameters).leftAlone).toEqual([]);
    expect(parametersOf(withParameters)["Execution.$"]).toBe("$$.Execution");
    expect(injectTraceContext(task(undefined, arn)).leftAlone[0].problem).toMatch(/passes its whole input/);
  });

  test("nested executions get CONTEXT in their Input", () => {
    const start = "arn:aws:states:::states:startExecution.sync:2";
    const none = task({ StateMachineArn: "x" }, start);
    injectTraceContext(none);
    expect(parametersOf(none).Input).toEqual({ "CONTEXT.$": MERGED_INPUT });
    const object = task({ StateMachineArn: "x", Input: { a: 1 } }, start);
    injectTraceContext(object);
    expect(parametersOf(object).Input).toEqual({ a: 1, "CONTEXT.$": CONTEXT_PATH });
    expect(injectTraceContext(task({ Input: { CONTEXT: 1 } }, start)).leftAlone[0].problem).toMatch(/already sets CONTEXT/);
  });

  test("walks Parallel branches and Map iterators and item processors; applying twice changes nothing", () => {
    const inner = () => ({ StartAt: "I", States: { I: { Type: "Task", Resource: INVOKE, Parameters: { "Payload.$": "$" }, End: true } } });
    const definition = {
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [inner()], Next: "M" },
        M: { Type: "Map", Iterator: inner(), Next: "N" },
        N: { Type: "Map", ItemProcessor: inner(), End: true },
      },
    } as any;
    injectTraceContext(definition);
    const payloads = [definition.States.P.Branches[0], definition.States.M.Iterator, definition.States.N.ItemProcessor].map((d: any) => d.States.I.Parameters["Payload.$"]);
    expect(payloads).toEqual([MERGED_INPUT, MERGED_INPUT, MERGED_INPUT]);
    const once = JSON.stringify(definition);
    expect(injectTraceContext(definition).leftAlone).toEqual([]);
    expect(JSON.stringify(definition)).toBe(once);
  });

  test("a Lambda step whose Payload or Input is an intrinsic gets no keys beside it", () => {
    const definition = {
      StartAt: "Invoke",
      States: {
        Invoke: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f", Payload: { "Fn::GetAtt": ["Cfg", "Payload"] } }, Next: "Nested" },
        Nested: { Type: "Task", Resource: "arn:aws:states:::states:startExecution", Parameters: { StateMachineArn: "x", Input: { Ref: "InputParam" } }, Next: "Arn" },
        Arn: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:1:function:f", Parameters: { "Fn::Sub": "x" }, End: true },
      },
    };
    const outcome = run(template({ M: stateMachine({ Definition: definition }, { defaults: false }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect((outcome.fragment as any).Resources.M.Properties.Definition).toEqual(definition);
    const left = outcome.diagnostics.filter((d) => d.rule === "W406").map((d) => d.text);
    expect(left).toHaveLength(3);
  });
});

describe("JSONata states", () => {
  const CONTEXT = expression(taskContext(true));
  const BATCH = expression(batchContext(true));
  const START = "arn:aws:states:::states:startExecution.sync:2";
  const jsonataTask = (fields: Record<string, unknown>, resource = INVOKE): any => ({ QueryLanguage: "JSONata", StartAt: "T", States: { T: { Type: "Task", Resource: resource, ...fields, End: true } } });
  const stateOf = (definition: any) => definition.States.T;

  describe("Lambda invoke tasks", () => {
    test.each([
      ["no Payload: the context alone", { FunctionName: "f" }, { FunctionName: "f", Payload: { _datadog: CONTEXT } }],
      ["an object Payload: a _datadog key beside the user's", { FunctionName: "f", Payload: { a: 1, b: "{% $states.input.b %}" } }, { FunctionName: "f", Payload: { a: 1, b: "{% $states.input.b %}", _datadog: CONTEXT } }],
      ["an expression Payload: merged with the context", { FunctionName: "f", Payload: "{% $states.input %}" }, { FunctionName: "f", Payload: expression(mergedExpression("$states.input", taskContext(true))) }],
    ])("%s", (_name, before, after) => {
      const definition = jsonataTask({ Arguments: before });
      expect(injectTraceContext(definition)).toEqual({ leftAlone: [], jsonataLambda: true });
      expect(stateOf(definition).Arguments).toEqual(after);
      expect(stateOf(definition).Parameters).toBeUndefined();
    });

    test.each([
      ["a string that is not an expression", "hello", /Payload that is a string/],
      ["an array", [1, 2], /Payload that is an array/],
      ["a number", 3, /Payload that is a number/],
      ["an intrinsic function", { "Fn::GetAtt": ["Cfg", "Payload"] }, /Payload that is an intrinsic/],
      ["the user's own _datadog", { _datadog: "{% $mine %}" }, /already sets _datadog in its Payload/],
      ["an expression that builds _datadog itself", "{% $merge([$states.input, {'_datadog': $states.context}]) %}", /already builds _datadog in its Payload expression/],
    ])("a Payload that is %s is left as written, with the snippet to add", (_name, payload, problem) => {
      const definition = jsonataTask({ Arguments: { FunctionName: "f", Payload: payload } });
      const { leftAlone, jsonataLambda } = injectTraceContext(definition);
      expect(leftAlone).toEqual([{ state: "T", problem: expect.stringMatching(problem), jsonata: { where: "Arguments.Payload", context: taskContext(true) } }]);
      expect(jsonataLambda).toBe(false);
      expect(stateOf(definition).Arguments.Payload).toEqual(payload);
    });

    test("Arguments that are an expression, or missing, are left alone", () => {
      expect(injectTraceContext(jsonataTask({ Arguments: "{% $states.input %}" })).leftAlone[0].problem).toMatch(/Arguments that are not an object/);
      expect(injectTraceContext(jsonataTask({})).leftAlone[0].problem).toMatch(/has no Arguments object/);
    });

    test("waitForTaskToken is a Lambda invoke too", () => {
      const definition = jsonataTask({ Arguments: { FunctionName: "f", Payload: { token: "{% $states.context.Task.Token %}" } } }, `${INVOKE}.waitForTaskToken`);
      injectTraceContext(definition);
      expect(stateOf(definition).Arguments.Payload).toEqual({ token: "{% $states.context.Task.Token %}", _datadog: CONTEXT });
    });

    test("without upstream propagation the context names this execution as the root", () => {
      const definition = jsonataTask({ Arguments: { FunctionName: "f" } });
      injectTraceContext(definition, undefined, { lambda: true, nested: false, upstream: false });
      expect(stateOf(definition).Arguments.Payload._datadog).toBe(expression(taskContext(false)));
      expect(taskContext(false)).not.toContain("_datadog");
    });
  });

  describe("Lambda ARN resources: Arguments is the payload", () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    test("absent: the whole input, merged with the context; an object: a _datadog key", () => {
      const absent = jsonataTask({}, arn);
      injectTraceContext(absent);
      expect(stateOf(absent).Arguments).toBe(expression(mergedExpression("$states.input", taskContext(true))));
      const object = jsonataTask({ Arguments: { a: 1 } }, arn);
      injectTraceContext(object);
      expect(stateOf(object).Arguments).toEqual({ a: 1, _datadog: CONTEXT });
    });
  });

  describe("nested executions", () => {
    test.each([
      ["no Input", { StateMachineArn: "x" }, { StateMachineArn: "x", Input: { _datadog: CONTEXT } }],
      ["an object Input", { StateMachineArn: "x", Input: { a: 1 } }, { StateMachineArn: "x", Input: { a: 1, _datadog: CONTEXT } }],
      ["an expression Input", { StateMachineArn: "x", Input: "{% $states.input.order %}" }, { StateMachineArn: "x", Input: expression(mergedExpression("$states.input.order", taskContext(true))) }],
    ])("%s", (_name, before, after) => {
      const definition = jsonataTask({ Arguments: before }, START);
      expect(injectTraceContext(definition)).toEqual({ leftAlone: [], jsonataLambda: false });
      expect(stateOf(definition).Arguments).toEqual(after);
    });

    test("a JSON string Input is left alone; nothing is injected when nested executions are not asked for", () => {
      expect(injectTraceContext(jsonataTask({ Arguments: { Input: "{\"a\":1}" } }, START)).leftAlone[0].problem).toMatch(/Input that is a string/);
      const definition = jsonataTask({ Arguments: { StateMachineArn: "x" } }, START);
      injectTraceContext(definition, undefined, { lambda: true, nested: false, upstream: false });
      expect(stateOf(definition).Arguments).toEqual({ StateMachineArn: "x" });
    });
  });

  describe("Distributed Maps", () => {
    const map = (fields: Record<string, unknown>, language = "JSONata"): any => ({
      QueryLanguage: language,
      StartAt: "M",
      States: { M: { Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } }, ...fields, End: true } },
    });
    test("an ItemBatcher gets BatchInput._datadog, beside the user's batch input", () => {
      const none = map({ ItemBatcher: { MaxItemsPerBatch: 10 } });
      injectTraceContext(none);
      expect(none.States.M.ItemBatcher).toEqual({ MaxItemsPerBatch: 10, BatchInput: { _datadog: BATCH } });
      const object = map({ ItemBatcher: { MaxItemsPerBatch: 10, BatchInput: { at: "{% $states.context.State.EnteredTime %}" } } });
      injectTraceContext(object);
      expect(object.States.M.ItemBatcher.BatchInput).toEqual({ at: "{% $states.context.State.EnteredTime %}", _datadog: BATCH });
    });
    test("without an ItemBatcher it is left alone with the snippet; an inline Map is not a Distributed Map", () => {
      const definition = map({});
      expect(injectTraceContext(definition).leftAlone).toEqual([{ state: "M", problem: expect.stringMatching(/without an ItemBatcher/), jsonata: { where: "ItemBatcher.BatchInput", context: batchContext(true) } }]);
      expect(definition.States.M.ItemBatcher).toBeUndefined();
      const inline = map({ ItemBatcher: { MaxItemsPerBatch: 2 } });
      inline.States.M.ItemProcessor.ProcessorConfig.Mode = "INLINE";
      expect(injectTraceContext(inline).leftAlone).toEqual([]);
      expect(inline.States.M.ItemBatcher).toEqual({ MaxItemsPerBatch: 2 });
    });
    test("a JSONPath Distributed Map is left as it is (Datadog documents no JSONPath form)", () => {
      const definition = map({ ItemBatcher: { MaxItemsPerBatch: 10 } }, "JSONPath");
      const before = JSON.stringify(definition);
      expect(injectTraceContext(definition).leftAlone).toEqual([]);
      expect(JSON.stringify(definition)).toBe(before);
    });
  });

  describe("query language", () => {
    test("the definition's QueryLanguage, overridden per state; branches and item processors inherit their state's", () => {
      const inner = (language?: string) => ({ ...(language ? { QueryLanguage: language } : {}), StartAt: "I", States: { I: { Type: "Task", Resource: INVOKE, End: true } } });
      const definition: any = {
        StartAt: "Path",
        States: {
          Path: { Type: "Task", Resource: INVOKE, Parameters: { FunctionName: "f" }, Next: "Ata" },
          Ata: { Type: "Task", QueryLanguage: "JSONata", Resource: INVOKE, Arguments: { FunctionName: "f" }, Next: "P" },
          P: { Type: "Parallel", QueryLanguage: "JSONata", Branches: [inner(), inner("JSONPath")], Next: "M" },
          M: { Type: "Map", ItemProcessor: inner(), End: true },
        },
      };
      const seen: string[] = [];
      walkStates(definition, (name, _state, language) => seen.push(`${name}:${language}`));
      expect(seen.sort()).toEqual(["Ata:JSONata", "I:JSONPath", "I:JSONPath", "I:JSONata", "M:JSONPath", "P:JSONata", "Path:JSONPath"]);
      injectTraceContext(definition);
      expect(definition.States.Path.Parameters).toEqual({ FunctionName: "f", "Payload.$": CONTEXT_PATH });
      expect(definition.States.Ata.Arguments).toEqual({ FunctionName: "f", Payload: { _datadog: CONTEXT } });
      expect(definition.States.Ata.Parameters).toBeUndefined();
    });
  });

  test("a second pass changes nothing, whichever upstream setting wrote the expressions", () => {
    const definition: any = {
      QueryLanguage: "JSONata",
      StartAt: "A",
      States: {
        A: { Type: "Task", Resource: INVOKE, Arguments: { FunctionName: "f", Payload: "{% $states.input %}" }, Next: "B" },
        B: { Type: "Task", Resource: INVOKE, Arguments: { FunctionName: "f", Payload: { a: 1 } }, Next: "C" },
        C: { Type: "Task", Resource: START, Arguments: { StateMachineArn: "x" }, End: true },
      },
    };
    injectTraceContext(definition, undefined, { lambda: true, nested: true, upstream: false });
    const once = JSON.stringify(definition);
    for (const upstream of [false, true]) {
      expect(injectTraceContext(definition, undefined, { lambda: true, nested: true, upstream }).leftAlone).toEqual([]);
      expect(JSON.stringify(definition)).toBe(once);
    }
  });

  test("the expressions hold no `${`, so a definition under Fn::Sub keeps them as text", () => {
    for (const upstream of [true, false]) for (const text of [taskContext(upstream), batchContext(upstream), mergedExpression("$states.input", taskContext(upstream))]) expect(text).not.toContain("${");
  });

  test("the golden outputs stay valid ASL: JSONata states have no JSONPath fields, JSONPath states no JSONata ones", () => {
    const JSONPATH_ONLY = ["Parameters", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "ItemsPath", "ItemSelector"];
    const JSONATA_ONLY = ["Arguments", "Output", "Assign"];
    let checked = 0;
    for (const name of ["state-machines-jsonata", "state-machines-jsonpath-one-jsonata-state"]) {
      const expected = JSON.parse(readFileSync(join(__dirname, `../golden/cases/${name}.expected.json`), "utf8"));
      for (const resource of Object.values<any>(expected.fragment.Resources)) {
        const props = resource.Properties ?? {};
        if (props.Definition === undefined && props.DefinitionString === undefined) continue;
        const read = readDefinition(props.Definition ?? props.DefinitionString);
        if (typeof read === "string") throw new Error(read);
        walkStates(read.definition, (_name, state, language) => {
          checked++;
          const wrong = language === "JSONata" ? JSONPATH_ONLY : JSONATA_ONLY;
          expect(Object.keys(state).filter((key) => wrong.includes(key) || (language === "JSONata" && key.endsWith(".$")))).toEqual([]);
          if (language === "JSONata") expect(JSON.stringify(state)).not.toMatch(/"[^"]*\.\$"\s*:/);
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  describe("through the transform", () => {
    const machine = (payload: unknown) =>
      template({ M: stateMachine({ Definition: { QueryLanguage: "JSONata", StartAt: "Call", States: { Call: { Type: "Task", Resource: INVOKE, Arguments: { FunctionName: "f", Payload: payload }, End: true } } } }) });

    test("a payload left alone is W407 with the expression to add, not W406", () => {
      const outcome = run(machine("text"), params);
      expect(outcome.diagnostics.map((d) => d.rule)).toEqual(["W407"]);
      expect(outcome.warnings[0]).toContain(`Add to its Arguments.Payload: "_datadog": "${CONTEXT}"`);
      expect((outcome.fragment as any).Resources.M.Properties.Definition.States.Call.Arguments.Payload).toBe("text");
    });

    test.each([
      ["nodeLayerVersion", 115, true],
      ["nodeLayerVersion", 116, false],
      ["nodeLayerVersion", 117, false],
      ["pythonLayerVersion", 102, true],
      ["pythonLayerVersion", 103, false],
      ["pythonLayerVersion", 104, false],
      ["extensionLayerVersion", 74, true],
      ["extensionLayerVersion", 75, false],
      ["extensionLayerVersion", 76, false],
    ])("W408 when %s is %i: %s", (parameter, version, warned) => {
      const outcome = run(machine("{% $states.input %}"), { ...params, apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf", [parameter]: version });
      expect(outcome.ok).toBe(true);
      const w408 = outcome.diagnostics.filter((d) => d.rule === "W408");
      expect(w408).toHaveLength(warned ? 1 : 0);
      if (warned) expect(w408[0].text).toContain(`${parameter} ${version}`);
    });

    test("no W408 for a JSONPath machine, nor when the JSONata Lambda step was left alone", () => {
      expect(run(template({ M: stateMachine() }), { ...params, nodeLayerVersion: 100 }).diagnostics.map((d) => d.rule)).not.toContain("W408");
      expect(run(machine([1]), { ...params, nodeLayerVersion: 100 }).diagnostics.map((d) => d.rule)).not.toContain("W408");
    });
  });
});

describe("definition forms", () => {
  const body = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };
  test("string, Fn::Sub (both forms) and Fn::Join with intrinsics are read and written back in their form", () => {
    expect(readDefinition(JSON.stringify(body))).toMatchObject({ definition: body });
    const sub = readDefinition({ "Fn::Sub": JSON.stringify(body) });
    expect(typeof sub !== "string" && sub.write(body)).toEqual({ "Fn::Sub": JSON.stringify(body) });
    const subList = readDefinition({ "Fn::Sub": [JSON.stringify(body), { X: { Ref: "Y" } }] });
    expect(typeof subList !== "string" && subList.write(body)).toEqual({ "Fn::Sub": [JSON.stringify(body), { X: { Ref: "Y" } }] });

    const join = { "Fn::Join": ["", ['{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "', { "Fn::GetAtt": ["Fn", "Arn"] }, '", "End": true}}}']] };
    const read = readDefinition(join);
    if (typeof read === "string") throw new Error(read);
    expect(read.write(read.definition)).toEqual({
      "Fn::Join": ["", ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"', { "Fn::GetAtt": ["Fn", "Arn"] }, '","End":true}}}']],
    });
  });

  test("Fn::Join of lines with Fn::Sub lines (the hand-written form) keeps the substitutions", () => {
    const lines = { "Fn::Join": ["\n", ["{", '"StartAt": "A",', { "Fn::Sub": '"States": {"A": {"Type": "Task", "Resource": "${Fn.Arn}", "End": true}}' }, "}"]] };
    const read = readDefinition(lines);
    if (typeof read === "string") throw new Error(read);
    expect(read.definition).toEqual({ StartAt: "A", States: { A: { Type: "Task", Resource: "${Fn.Arn}", End: true } } });
    expect(read.write(read.definition)).toEqual({ "Fn::Join": ["", [{ "Fn::Sub": '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Fn.Arn}","End":true}}}' }]] });
  });

  test("a definition that is not JSON is reported", () => {
    expect(readDefinition({ "Fn::Sub": '{"TimeoutSeconds": ${Timeout}}' })).toMatch(/not valid JSON/);
    expect(readDefinition({ "Fn::GetAtt": ["X", "Y"] })).toMatch(/cannot read/);
  });

  describe("definitions stay valid when rewritten", () => {
    /** A machine with a role of its own, so only its definition is rewritten. */
    const machine = (properties: Record<string, unknown>) => stateMachine({ RoleArn: "arn:aws:iam::123456789012:role/states", ...properties }, { defaults: false });

    // An Fn::Join definition whose literal text contains the macro's placeholder `__datadog_macro_part_<n>__`
    // (legal text, e.g. a state name) must not be split at it: `intrinsics[n]` (undefined) would be written
    // into the Join, null parts CloudFormation rejects; with a smaller n the literal would become another part.
    test("an Fn::Join definition whose text holds the placeholder pattern is written back intact", () => {
      const text = '{"StartAt":"__datadog_macro_part_3__","States":{"__datadog_macro_part_3__":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"';
      const definition = { "Fn::Join": ["", [text, { Ref: "F" }, '"},"End":true}}}']] };
      const outcome = run(template({ M: machine({ DefinitionString: definition }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
      expect(outcome.ok).toBe(true);
      const parts = (outcome.fragment as any).Resources.M.Properties.DefinitionString["Fn::Join"][1];
      expect(parts.every((part: unknown) => part !== undefined && part !== null)).toBe(true);
    });

    // In an Fn::Sub definition `\u0024{Price}` is literal text for CloudFormation (no substitution). Parsed
    // (decoded to "${Price}") and written back with JSON.stringify, the output Fn::Sub would ask for a
    // variable Price: the deploy fails (unresolved dependency) or silently substitutes.
    test("an Fn::Sub definition keeps an escaped \\u0024{...} literal", () => {
      const text = '{"StartAt":"L","States":{"L":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Comment":"costs \\u0024{Price}"},"End":true}}}';
      const outcome = run(template({ M: machine({ DefinitionString: { "Fn::Sub": text } }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
      const written = (outcome.fragment as any).Resources.M.Properties.DefinitionString["Fn::Sub"] as string;
      expect(written).not.toContain("${Price}");
    });

    // A rewritten definition round-trips through JSON.parse/stringify, which would silently change integers
    // above 2^53 in Pass results, Choice rules etc.
    test("a definition with an integer beyond double precision is left exactly as written, with a warning", () => {
      const text = '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"orderId":12345678901234567891},"Next":"L"},"L":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}';
      const outcome = run(template({ M: machine({ DefinitionString: text }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
      // JSON.parse cannot keep the number, so no rewrite can: the definition stays as the user wrote it.
      expect((outcome.fragment as any).Resources.M.Properties.DefinitionString).toBe(text);
      expect(outcome.warnings.join()).toMatch(/W405\] M: the definition holds the number 12345678901234567000/);
    });

    // Only reachable through the API (`respond`/`transformFragment`): JSON events and the CLI's YAML reader
    // (aliases copied, at most 100) cannot share objects. Stringifying the definition would expand the DAG:
    // 2^depth work (25 levels took ~50 s).
    test("a definition built from shared subobjects is read in bounded time", async () => {
      let shared: unknown = "a";
      // 25 levels: 2^25 leaves once expanded (about 50 s of work); the macro stops counting past 2 MB. The
      // bound below is five times under the expanded cost and ten times over what the macro takes, so a
      // busy machine does not make it fail and an expansion cannot pass it.
      for (let i = 0; i < 25; i++) shared = { a: shared, b: shared };
      const definition = { StartAt: "A", States: { A: { Type: "Pass", Parameters: shared, Next: "L" }, L: { Type: "Task", Resource: INVOKE, Parameters: { FunctionName: "f" }, End: true } } };
      const started = Date.now();
      await respondTo(template({ M: machine({ Definition: definition }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 120_000);
  });

  test("a definition nested thousands of levels deep is read iteratively or left alone", () => {
    let states: any = { StartAt: "L", States: { L: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, End: true } } };
    for (let i = 0; i < 3000; i++) states = { StartAt: "P", States: { P: { Type: "Parallel", Branches: [states], End: true } } };
    const outcome = run(template({ M: stateMachine({ Definition: states }, { defaults: false }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect(outcome.ok).toBe(true);
  });
});

describe("state machines with stepFunctionForwarderArn", () => {
  const roleResource = { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [] } } };

  test("get a retained log group, full logging, a subscription, log-delivery permissions, tags and trace context", () => {
    const out = instrument(template({ M: stateMachine(), Role: roleResource }), { ...params, env: "prod", service: "orders", tags: "team:core" });
    expect(out.MLogGroup).toEqual({
      Type: "AWS::Logs::LogGroup",
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { LogGroupName: "/aws/vendedlogs/states/M-Logs-prod", RetentionInDays: 7 },
    });
    expect(out.M.Properties.LoggingConfiguration).toEqual({
      Level: "ALL",
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["MLogGroup", "Arn"] } } }],
    });
    expect(out.MDatadogSubscription.Properties).toMatchObject({ DestinationArn: FORWARDER, LogGroupName: { Ref: "MLogGroup" }, FilterPattern: "" });
    expect(out.Role.Properties.Policies[0].PolicyDocument.Statement[0]).toMatchObject({ Sid: "DatadogStepFunctionsLogDelivery", Resource: "*" });
    expect(out.M.Properties.Tags).toEqual([
      { Key: "service", Value: "orders" },
      { Key: "env", Value: "prod" },
      { Key: "team", Value: "core" },
      { Key: "dd_sls_macro", Value: "v9.9.9" },
      { Key: "DD_TRACE_ENABLED", Value: "true" },
    ]);
    expect(out.M.Properties.Definition.States.Call.Parameters["Payload.$"]).toBe(MERGED_INPUT);
  });

  test("a log destination in another region, another account or another service is not subscribed: W306, no W301", () => {
    const logging = (arn: string) => ({ Level: "ALL", IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arn } }] });
    for (const [arn, why] of [
      ["arn:aws:logs:eu-west-1:123456789012:log-group:/flows:*", /is a log group of region eu-west-1, and the stack deploys to us-east-1/],
      ["arn:aws:logs:us-east-1:999999999999:log-group:/flows:*", /is a log group of another account/],
      ["arn:aws:firehose:us-east-1:123456789012:deliverystream/flows", /is a Kinesis Data Firehose stream/],
    ] as const) {
      const outcome = run(template({ M: stateMachine({ LoggingConfiguration: logging(arn) }) }), params);
      expect(outcome.ok).toBe(true);
      expect(outcome.warnings.filter((w) => /W30[16]/.test(w))).toEqual([expect.stringMatching(why)]);
      expect(Object.values((outcome.fragment as any).Resources).some((r: any) => r.Type === "AWS::Logs::SubscriptionFilter")).toBe(false);
    }
  });

  test("an existing group is used by ARN and subscribed by name; a user destination is kept", () => {
    const existing = instrument(template({ M: stateMachine(), Role: roleResource }), params, { logGroups: { "/aws/vendedlogs/states/M-Logs": [] } });
    expect(existing.MLogGroup).toBeUndefined();
    expect(existing.M.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn).toEqual({
      "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/vendedlogs/states/M-Logs:*",
    });
    expect(existing.MDatadogSubscription.Properties.LogGroupName).toBe("/aws/vendedlogs/states/M-Logs");

    const logging = { Level: "ERROR", Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["Mine", "Arn"] } } }] };
    const mine = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/my/machine" } };
    const outcome = run(template({ M: stateMachine({ LoggingConfiguration: logging }), Mine: mine, Role: roleResource }), params);
    const out = (outcome.fragment as any).Resources;
    expect(out.M.Properties.LoggingConfiguration).toEqual(logging);
    expect(out.MDatadogSubscription.Properties.LogGroupName).toEqual({ Ref: "Mine" });
    expect(outcome.warnings.join("\n")).toMatch(/M: logging is not Level ALL/);
  });

  test("never fails over the role's shape; creates a role (with a real Fn::GetAtt) only when there is none", () => {
    for (const role of [{ Ref: "RoleParameter" }, "arn:aws:iam::123456789012:role/x", { "Fn::ImportValue": "role" }, { "Fn::GetAtt": ["Missing", "Arn"] }]) {
      const outcome = run(template({ M: stateMachine({ RoleArn: role }) }), params);
      expect(outcome.ok).toBe(true);
      expect(outcome.warnings.join("\n")).toMatch(/M: its role is not an AWS::IAM::Role of this template; it needs logs:CreateLogDelivery/);
    }
    const { RoleArn: _omitted, ...withoutRole } = stateMachine().Properties;
    const out = instrument(template({ M: { Type: "AWS::StepFunctions::StateMachine", Properties: withoutRole } }), params);
    expect(out.M.Properties.RoleArn).toEqual({ "Fn::GetAtt": ["MRole", "Arn"] });
    expect(out.MRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: "states.amazonaws.com" });
  });

  test("SAM state machines: Logging, Policies for SAM's role, map tags", () => {
    const sam = { Type: "AWS::Serverless::StateMachine", Properties: { Definition: stateMachine().Properties.Definition, Tags: { team: "a" } } };
    const out = instrument(template({ S: sam }), params);
    expect(out.S.Properties.Logging.Destinations).toHaveLength(1);
    expect(out.S.Properties.Policies[0].Statement[0].Sid).toBe("DatadogStepFunctionsLogDelivery");
    expect(out.S.Properties.Tags).toEqual({ team: "a", dd_sls_macro: "v9.9.9", DD_TRACE_ENABLED: "true" });
  });

  test("left alone without stepFunctionForwarderArn, or when excluded; a string definition is rewritten only when changed", () => {
    const fragment = template({ M: stateMachine(), Role: roleResource });
    expect(instrument(fragment, {}).M).toEqual((fragment.Resources as any).M);
    expect(instrument(fragment, { ...params, exclude: "M" }).M).toEqual((fragment.Resources as any).M);
    const pretty = JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }, null, 2);
    const out = instrument(template({ M: stateMachine({ Definition: undefined, DefinitionString: pretty }), Role: roleResource }), params);
    expect(out.M.Properties.DefinitionString).toBe(pretty);
  });

  test("a Resource given through DefinitionSubstitutions is recognised by what it stands for", () => {
    const definition = { StartAt: "T", States: { T: { Type: "Task", Resource: "${FnArn}", Parameters: { a: 1 }, Next: "U" }, U: { Type: "Task", Resource: "${Invoke}", Parameters: { FunctionName: "f" }, End: true } } };
    const fn = { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "a.b", Role: "r", Code: { ZipFile: "x" } } };
    const substitutions = { FnArn: { "Fn::GetAtt": ["Fn", "Arn"] }, Invoke: "arn:aws:states:::lambda:invoke" };
    const out = instrument(template({ M: stateMachine({ Definition: definition, DefinitionSubstitutions: substitutions }), Fn: fn, Role: roleResource }), { ...params, addLayers: false });
    expect(out.M.Properties.Definition.States.T.Parameters["Execution.$"]).toBe("$$.Execution");
    expect(out.M.Properties.Definition.States.U.Parameters["Payload.$"]).toBe(CONTEXT_PATH);
    expect(out.M.Properties.Definition.States.T.Resource).toBe("${FnArn}");
  });

  test("a second run gives the same template and summary when a machine's role cannot be granted (RoleArn: {}), beside another machine", () => {
    const fragment = template({ Broken: stateMachine({ RoleArn: {} }), Other: stateMachine(), Role: roleResource });
    const cases: [Record<string, unknown>, Record<string, never[]>][] = [
      [{ ...params, env: "prod" }, {}],
      [{ ...params, env: "prod", enableXrayTracing: true }, {}],
      // A redeploy: the default groups exist, so the first run points logging at them by name.
      [{ ...params, env: "prod" }, { "/aws/vendedlogs/states/Broken-Logs-prod": [], "/aws/vendedlogs/states/Other-Logs-prod": [] }],
    ];
    for (const [settings, logGroups] of cases) {
      const once = run(fragment, settings, { logGroups });
      const twice = run(once.fragment, settings, { logGroups });
      expect(once.warnings.join("\n")).toMatch(/\[W216\] Broken:/);
      expect(twice.warnings).toEqual(once.warnings);
      expect(JSON.stringify(twice.fragment)).toBe(JSON.stringify(once.fragment));
    }
  });

  test("transforming the output again changes nothing", () => {
    const fragment = template({ M: stateMachine(), N: stateMachine({ RoleArn: { Ref: "P" } }), Role: roleResource });
    const once = run(fragment, { ...params, env: "prod" });
    expect(run(once.fragment, { ...params, env: "prod" }).fragment).toEqual(once.fragment);
  });

  test("a state machine named in `exclude` is not called unknown, and is listed as skipped", () => {
    const outcome = run(template({ Machine: rolelessMachine(), Other: rolelessMachine() }), { addLayers: false, stepFunctionForwarderArn: FORWARDER, exclude: "Machine" });
    expect(outcome.ok).toBe(true);
    expect(outcome.diagnostics.map((d) => d.rule)).not.toContain("W103");
    expect(outcome.skipped).toEqual([{ logicalId: "Machine", reason: "listed in `exclude`" }]);
    expect(outcome.instrumented).toEqual(["Other"]);
    expect((outcome.fragment as any).Resources.Machine).toEqual(rolelessMachine());
  });
});

describe("a Lambda task whose Resource is the template's function", () => {
  const ROLE_ARN = { "Fn::GetAtt": ["Role", "Arn"] };
  const merge = { stepFunctionForwarderArn: FORWARDER, mergeStepFunctionAndLambdaTraces: true };
  const machine = (properties: Record<string, unknown>) => ({ Type: "AWS::StepFunctions::StateMachine", Properties: { RoleArn: ROLE_ARN, ...properties } });
  const lambdaTask = (resource: unknown) => ({ QueryLanguage: "JSONata", StartAt: "T", States: { T: { Type: "Task", Resource: resource, Arguments: { order: "{% $states.input.order %}" }, End: true } } });

  test("a Lambda task whose Resource is the template's function (${Fn.Arn} in Fn::Sub, or GetAtt) gets _datadog, as with DefinitionSubstitutions, or a warning", () => {
    const cases = [
      { DefinitionString: { "Fn::Sub": JSON.stringify(lambdaTask("${Fn.Arn}")) } },
      { Definition: lambdaTask({ "Fn::GetAtt": ["Fn", "Arn"] }) },
    ];
    for (const properties of cases) {
      const outcome: any = run(template({ Fn: node(), M: machine(properties) }), merge);
      expect(outcome.ok).toBe(true);
      const written = JSON.stringify(outcome.fragment.Resources.M.Properties);
      const told = outcome.warnings.some((warning: string) => /\[W40[67]\] M/.test(warning));
      // Silently untouched is the bug: the same task through DefinitionSubstitutions (`${F}`) is merged.
      expect({ merged: written.includes("_datadog"), told }).not.toEqual({ merged: false, told: false });
    }
  });
});
