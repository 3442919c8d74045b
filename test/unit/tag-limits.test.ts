/** AWS's 50 tags per function and state machine (E205), and parameters that cannot be tags (E131). */
import { MAX_TAGS, tagTextProblem } from "../../src/instrument/tags";
import { EXCLUSIVE_CONDITIONS, FORWARDER, invokeDefinition, python, samFunction, samTemplate, stateMachine } from "../helpers/builders";
import { ALL_LAYERS, run, template } from "../helpers/macro";

/** The function `orders`, which the state machines invoke. */
const orders = (properties: Record<string, unknown> = {}) => python({ FunctionName: "orders", ...properties });
const list = (count: number, prefix = "t") => Array.from({ length: count }, (_, i) => ({ Key: `${prefix}${i}`, Value: "v" }));
const map = (count: number, prefix = "t") => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, "v"]));
const rulesOf = (outcome: ReturnType<typeof run>) => outcome.diagnostics.map((d) => d.rule);
const errorRules = (outcome: ReturnType<typeof run>) => outcome.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule);
const machine = (tags: unknown) => stateMachine({ Tags: tags }, { invokes: "orders" });
const samMachine = (tags: unknown) => ({ Type: "AWS::Serverless::StateMachine", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] }, Definition: invokeDefinition("orders"), Tags: tags } });

describe("50 tags per function", () => {
  // A CloudFormation function gets one tag of the macro's: dd_sls_macro.
  test.each([48, 49])("%i tags of the user's and the macro's one: instrumented", (count) => {
    const outcome = run(template({ F: orders({ Tags: list(count) }) }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect((outcome.fragment as any).Resources.F.Properties.Tags).toHaveLength(count + 1);
  });

  test("50 tags of the user's: E205 names the function, the count and the macro's tags; the fragment comes back as received", () => {
    const fragment = template({ F: orders({ Tags: list(50) }) });
    const outcome = run(fragment, ALL_LAYERS);
    expect(outcome.ok).toBe(false);
    expect(outcome.fragment).toBe(fragment);
    expect(outcome.errors).toEqual([expect.stringMatching(/^\[E205\] F: it would have 51 tags with the macro's \(`dd_sls_macro`\), but Lambda allows 50\./)]);
  });

  test("with a forwarder the unified service tags and `tags` count too; a key the user set is kept, and counted once", () => {
    const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, service: "orders", env: "prod", tags: ["team:checkout"] };
    // 46 + service, env, team, dd_sls_macro = 50.
    expect(run(template({ F: orders({ Tags: list(46) }) }), params).ok).toBe(true);
    const over = run(template({ F: orders({ Tags: list(47) }) }), params);
    expect(over.errors).toEqual([expect.stringContaining("F: it would have 51 tags with the macro's (`service`, `env`, `team`, `dd_sls_macro`)")]);
    const userService = [...list(46), { Key: "service", Value: "mine" }];
    const kept = run(template({ F: orders({ Tags: userService }) }), params);
    expect(kept.ok).toBe(true);
    const tags = (kept.fragment as any).Resources.F.Properties.Tags;
    expect(tags).toHaveLength(50);
    expect(tags.filter((tag: any) => tag.Key === "service")).toEqual([{ Key: "service", Value: "mine" }]);
  });

  test("AWS's own `aws:` tags do not count", () => {
    expect(run(template({ F: orders({ Tags: [...list(49), { Key: "aws:cloudformation:stack-name", Value: "s" }] }) }), ALL_LAYERS).ok).toBe(true);
  });

  test("a function already past the limit by its own tags fails with E208, even when the macro adds none or leaves it alone", () => {
    const full = [...list(49), { Key: "dd_sls_macro", Value: "v1" }, { Key: "extra", Value: "x" }];
    const own = run(template({ F: orders({ Tags: full }) }), ALL_LAYERS);
    expect(own.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule)).toEqual(["E208"]);
    expect(own.errors[0]).toMatch(/^\[E208\] F: its tags take 51 without the macro's additions, past Lambda's 50 tags per resource/);
    const excluded = run(template({ F: orders({ Tags: list(60) }) }), { ...ALL_LAYERS, exclude: ["F"] });
    expect(excluded.errors).toEqual([expect.stringMatching(/^\[E208\] F: its tags take 60/)]);
    // Exactly at the limit with nothing to add: fine.
    expect(run(template({ F: orders({ Tags: [...list(49), { Key: "dd_sls_macro", Value: "v1" }] }) }), ALL_LAYERS).ok).toBe(true);
  });

  test("Fn::If: the branch with the most tags counts", () => {
    // A condition on a parameter with no value yet: either branch may be deployed.
    const conditions = { Parameters: { Stage: { Type: "String" } }, Conditions: { Prod: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } } };
    const tags = (count: number) => ({ "Fn::If": ["Prod", list(count), list(3)] });
    expect(run(template({ F: orders({ Tags: tags(49) }) }, conditions), ALL_LAYERS).ok).toBe(true);
    expect(errorRules(run(template({ F: orders({ Tags: tags(50) }) }, conditions), ALL_LAYERS))).toEqual(["E205"]);
  });

  test("SAM: Globals' tags and SAM's own `lambda:createdBy` count", () => {
    // SAM functions get dd_sls_macro and dd_sls_macro_by; SAM adds lambda:createdBy: 47 + 3 = 50.
    expect(run(samTemplate({ F: samFunction({ Tags: map(27) }) }, { Tags: map(20, "g") }), ALL_LAYERS).ok).toBe(true);
    const over = run(samTemplate({ F: samFunction({ Tags: map(28) }) }, { Tags: map(20, "g") }), ALL_LAYERS);
    expect(over.errors).toEqual([expect.stringContaining("F: it would have 51 tags with the macro's (`dd_sls_macro`, `dd_sls_macro_by`)")]);
    // A key in both the function's tags and the Globals' is one tag.
    expect(run(samTemplate({ F: samFunction({ Tags: map(47) }) }, { Tags: map(20) }), ALL_LAYERS).ok).toBe(true);
  });

  test("idempotent at the edge: a function at 50 tags, transformed again, is the same, byte for byte", () => {
    const first = run(template({ F: orders({ Tags: list(49) }) }), ALL_LAYERS);
    expect(first.ok).toBe(true);
    const second = run(first.fragment, ALL_LAYERS);
    expect(second.ok).toBe(true);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
  });
});

describe("50 tags per state machine", () => {
  // A state machine gets dd_sls_macro and DD_TRACE_ENABLED.
  const params = { stepFunctionForwarderArn: FORWARDER };

  test.each([47, 48])("%i tags of the user's and the macro's two: instrumented", (count) => {
    expect(run(template({ Checkout: machine(list(count)) }), params).ok).toBe(true);
  });

  test("49 tags of the user's: E205 for Step Functions", () => {
    const outcome = run(template({ Checkout: machine(list(49)) }), params);
    expect(outcome.errors).toEqual([expect.stringMatching(/^\[E205\] Checkout: it would have 51 tags with the macro's \(`dd_sls_macro`, `DD_TRACE_ENABLED`\), but Step Functions allows 50\./)]);
  });

  test("SAM: its own `stateMachine:createdBy` counts", () => {
    expect(run(template({ Checkout: samMachine(map(47)) }, { Transform: "AWS::Serverless-2016-10-31" }), params).ok).toBe(true);
    expect(errorRules(run(template({ Checkout: samMachine(map(48)) }, { Transform: "AWS::Serverless-2016-10-31" }), params))).toEqual(["E205"]);
  });
});

describe("parameters written as tags", () => {
  const withForwarder = (params: Record<string, unknown>) => run(template({ F: orders() }), { ...ALL_LAYERS, forwarderArn: FORWARDER, ...params });

  test.each([
    ["a key of 128 characters", "k".repeat(128), undefined],
    ["a key of 129 characters", "k".repeat(129), "it has 129 characters, but a tag key may have at most 128"],
    ["an empty key", "", "it is empty"],
    ["letters of any script, digits, spaces and _.:/=+-@", "Équipe 7_a.b:c/d=e+f-g@h", undefined],
    ["a character outside the set", "team#1", "it has characters tags do not allow"],
    ["AWS's prefix", "AWS:team", "it starts with `aws:`, which AWS keeps for its own tags"],
  ])("key: %s", (_name, key, problem) => {
    expect(tagTextProblem(key, "key")).toBe(problem);
  });

  test.each([
    [256, undefined],
    [257, "it has 257 characters, but a tag value may have at most 256"],
  ])("value of %i characters", (length, problem) => {
    expect(tagTextProblem("v".repeat(length), "value")).toBe(problem);
  });

  test("an empty value is a tag value; 50 tags per resource", () => {
    expect(tagTextProblem("", "value")).toBeUndefined();
    expect(MAX_TAGS).toBe(50);
  });

  test("a 300-character service: E131 names the parameter, without its value", () => {
    const outcome = withForwarder({ service: "s".repeat(300) });
    expect(outcome.errors).toEqual([expect.stringMatching(/^\[E131\] Parameter `service` cannot be a tag value: it has 300 characters, but a tag value may have at most 256\./)]);
    expect(outcome.errors[0]).not.toContain("sss");
    expect(withForwarder({ service: "s".repeat(256) }).ok).toBe(true);
  });

  test("a `tags` pair with a 200-character key, or a character outside the set: E131 names the entry", () => {
    const outcome = withForwarder({ tags: ["team:checkout", `${"k".repeat(200)}:v`, "owner:a#b"] });
    expect(outcome.errors).toEqual([
      expect.stringMatching(/^\[E131\] Entry 2 of parameter `tags` cannot be a tag key: it has 200 characters/),
      expect.stringMatching(/^\[E131\] Entry 3 of parameter `tags` cannot be a tag value: it has characters tags do not allow/),
    ]);
  });

  test("parameters the macro cannot resolve are passed through; without a forwarder they are no tags", () => {
    expect(withForwarder({ service: { "Fn::ImportValue": "ServiceName" } }).ok).toBe(true);
    expect(rulesOf(run(template({ F: orders() }), { ...ALL_LAYERS, service: "s".repeat(300) }))).toEqual([]);
    expect(errorRules(run(template({ Checkout: machine(list(1)) }), { stepFunctionForwarderArn: FORWARDER, env: "e".repeat(257) }))).toEqual(["E131"]);
  });
});

describe("Conditions", () => {
  test("tags under exclusive Conditions count as one at most (no E205 for a function with 50 either way)", () => {
    const tags: unknown[] = Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    tags.push({ "Fn::If": ["C", { Key: "x", Value: "1" }, { Ref: "AWS::NoValue" }] });
    tags.push({ "Fn::If": ["C", { Ref: "AWS::NoValue" }, { Key: "y", Value: "1" }] });
    // 48 + 1 + the macro's dd_sls_macro = 50 tags under either condition: Lambda accepts it.
    const outcome = run(template({ F: python({ Tags: tags }) }, EXCLUSIVE_CONDITIONS), ALL_LAYERS);
    expect(outcome.errors).toEqual([]);
    expect(outcome.ok).toBe(true);
  });
});
