/** Lambda's 4 KB of environment variables: the macro fails a function its variables would take past it (E204), or says when it cannot tell (W222). */
import { checkEnvironmentUnder, ENVIRONMENT_LIMIT_BYTES } from "../../src/instrument/environment-size";
import { ConditionSpace, type TemplateContext } from "../../src/intrinsics";
import { ALL_LAYERS, run, template, variables } from "../helpers/macro";
import { EXCLUSIVE_CONDITIONS, python, samFunction, samTemplate } from "../helpers/builders";

const bytes = (vars: Record<string, unknown>) => Object.entries(vars).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
/** What the macro adds to a plain Python function, in bytes (keys plus values). */
const macroBytes = bytes(variables((run(template({ F: python() }), ALL_LAYERS).fragment as any).Resources.F));
/** A user variable `PAD` that brings the function to `total` bytes with the macro's. */
const padTo = (total: number) => ({ PAD: "p".repeat(total - macroBytes - "PAD".length) });
const rulesOf = (outcome: ReturnType<typeof run>) => outcome.diagnostics.map((d) => d.rule);

describe("Lambda's 4 KB of environment variables", () => {
  test("the macro's own variables take a known size, well under the limit", () => {
    expect(macroBytes).toBeGreaterThan(100);
    expect(macroBytes).toBeLessThan(ENVIRONMENT_LIMIT_BYTES / 4);
  });

  test.each([4095, 4096])("%i bytes with the macro's: instrumented", (total) => {
    const outcome = run(template({ F: python({ Environment: { Variables: padTo(total) } }) }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect(bytes(variables((outcome.fragment as any).Resources.F))).toBe(total);
    expect(rulesOf(outcome)).toEqual([]);
  });

  test("4,097 bytes: E204 names the function, both sizes and the largest additions, never a value; the fragment comes back as received", () => {
    const fragment = template({ F: python({ Environment: { Variables: padTo(4097) } }) });
    const before = JSON.stringify(fragment);
    const outcome = run(fragment, ALL_LAYERS);
    expect(outcome.ok).toBe(false);
    expect(outcome.fragment).toBe(fragment);
    expect(JSON.stringify(fragment)).toBe(before);
    expect(outcome.errors).toHaveLength(1);
    const [error] = outcome.errors;
    expect(error).toMatch(/^\[E204\] F: its environment variables would take 4097 bytes with the macro's \(\d+ before\), but Lambda allows 4096/);
    expect(error).toContain(`(${4097 - macroBytes} before)`);
    // The three largest the macro adds, by size (key plus value).
    expect(error).toContain("the largest the macro adds: DD_CAPTURE_LAMBDA_PAYLOAD (30 bytes), DD_SERVERLESS_LOGS_ENABLED (30 bytes), DD_LAMBDA_HANDLER (28 bytes)");
    expect(error).not.toContain("ppp");
  });

  test("a secret-looking value is never in the message", () => {
    const outcome = run(template({ F: python({ Environment: { Variables: { TOKEN: "s3cr3t-".repeat(600) } } }) }), { ...ALL_LAYERS, tags: ["team:checkout-and-payments-platform"] });
    expect(rulesOf(outcome)).toEqual(["E204"]);
    expect(outcome.errors[0]).not.toContain("s3cr3t");
    expect(outcome.errors[0]).toContain("the largest the macro adds: DD_TAGS (42 bytes), ");
  });

  test("bytes are counted in UTF-8: a 2-byte character counts twice", () => {
    const ascii = padTo(4096).PAD;
    // As many characters as 4,096 bytes of ASCII, one of them 2 bytes long.
    const wide = `${ascii.slice(1)}é`;
    expect(rulesOf(run(template({ F: python({ Environment: { Variables: { PAD: wide } } }) }), ALL_LAYERS))).toEqual(["E204"]);
    expect(rulesOf(run(template({ F: python({ Environment: { Variables: { PAD: `${ascii.slice(1)}e` } } }) }), ALL_LAYERS))).toEqual([]);
  });

  test("a function already past the limit fails: E204 when the macro adds to it, E208 when it adds nothing or leaves it alone", () => {
    const big = { Environment: { Variables: { PAD: "p".repeat(5000) } } };
    const outcome = run(template({ F: python(big) }), ALL_LAYERS);
    expect(rulesOf(outcome)).toEqual(["E204"]);
    expect(outcome.errors[0]).toContain("(5003 before)");
    const excluded = run(template({ F: python(big) }), { ...ALL_LAYERS, exclude: ["F"] });
    expect(excluded.errors).toEqual([expect.stringMatching(/^\[E208\] F:/)]);
    expect(excluded.errors[0]).toMatch(/^\[E208\] F: its environment variables take 5003 bytes without the macro's additions, past Lambda's 4096 bytes/);
    // Every DD_* variable already set by the user: nothing added, still past the limit.
    const own = variables((run(template({ F: python() }), ALL_LAYERS).fragment as any).Resources.F);
    expect(rulesOf(run(template({ F: python({ Environment: { Variables: { ...own, PAD: "p".repeat(5000) } } }) }), ALL_LAYERS))).toEqual(["E208"]);
  });

  test("Fn::If: the longest branch counts", () => {
    // A condition on a parameter with no value yet: either branch may be deployed.
    const conditions = { Parameters: { Stage: { Type: "String" } }, Conditions: { Long: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } } };
    const value = (long: number) => ({ "Fn::If": ["Long", "p".repeat(long), "short"] });
    const at = (total: number) => run(template({ F: python({ Environment: { Variables: { PAD: value(padTo(total).PAD.length) } } }) }, conditions), ALL_LAYERS);
    expect(rulesOf(at(4096))).toEqual([]);
    expect(rulesOf(at(4097))).toEqual(["E204"]);
    // A branch without the variable (AWS::NoValue) does not hide the other's length.
    const absent = { "Fn::If": ["Long", "p".repeat(padTo(4097).PAD.length), { Ref: "AWS::NoValue" }] };
    expect(rulesOf(run(template({ F: python({ Environment: { Variables: { PAD: absent } } }) }, conditions), ALL_LAYERS))).toEqual(["E204"]);
  });

  test("a branch whose condition the macro can evaluate to false for this deploy is not counted", () => {
    // The long branch is for eu-west-1; this deploy is in us-east-1, where CloudFormation takes the short one.
    const conditions = { Conditions: { Europe: { "Fn::Equals": [{ Ref: "AWS::Region" }, "eu-west-1"] } } };
    const environment = { Variables: { PAD: { "Fn::If": ["Europe", "p".repeat(5000), "short"] } } };
    expect(rulesOf(run(template({ F: python({ Environment: environment }) }, conditions), ALL_LAYERS))).toEqual([]);
    expect(rulesOf(run(template({ F: python({ Environment: environment }) }, conditions), ALL_LAYERS, { region: "eu-west-1" }))).toEqual(["E204"]);
  });

  test("Environment as Fn::If: each branch is checked", () => {
    // A condition on a parameter with no value yet: either branch may be deployed.
    const conditions = { Parameters: { Stage: { Type: "String" } }, Conditions: { Big: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } } };
    const environment = (total: number) => ({ "Fn::If": ["Big", { Variables: padTo(total) }, { Variables: { SMALL: "x" } }] });
    expect(rulesOf(run(template({ F: python({ Environment: environment(4096) }) }, conditions), ALL_LAYERS))).toEqual([]);
    expect(rulesOf(run(template({ F: python({ Environment: environment(4097) }) }, conditions), ALL_LAYERS))).toEqual(["E204"]);
  });

  test("a Ref to a template parameter counts its value", () => {
    const parameters = { Parameters: { Pad: { Type: "String" } } };
    const at = (total: number) => run(template({ F: python({ Environment: { Variables: { PAD: { Ref: "Pad" } } } }) }, parameters), ALL_LAYERS, { templateParameterValues: { Pad: padTo(total).PAD } });
    expect(rulesOf(at(4096))).toEqual([]);
    expect(rulesOf(at(4097))).toEqual(["E204"]);
  });

  test("an unresolvable value: W222 while the rest is within the limit, E204 once the rest alone is past it", () => {
    const withQueue = (total: number) => template({ Queue: { Type: "AWS::SQS::Queue" }, F: python({ Environment: { Variables: { ...padTo(total - "QUEUE".length), QUEUE: { Ref: "Queue" } } } }) });
    const within = run(withQueue(4096), ALL_LAYERS);
    expect(within.ok).toBe(true);
    expect(within.warnings).toEqual([expect.stringMatching(/^\[W222\] F: the value of `QUEUE` cannot be resolved, and the rest takes 4096 of Lambda's 4096 bytes/)]);
    expect(rulesOf(run(withQueue(4097), ALL_LAYERS))).toEqual(["E204"]);
  });

  test("an unresolvable value warns only when a value of up to 256 bytes could take the function past the limit", () => {
    const withQueue = (total: number) => template({ Queue: { Type: "AWS::SQS::Queue" }, F: python({ Environment: { Variables: { ...padTo(total - "QUEUE".length), QUEUE: { Ref: "Queue" } } } }) });
    // The total with the macro's variables is what counts: find the padding at which the known part is exactly 4096 - 256.
    const known = (outcome: ReturnType<typeof run>) => Number(/the rest takes (\d+)/.exec(outcome.warnings.join())?.[1]);
    const atLimit = run(withQueue(4096), ALL_LAYERS);
    const added = known(atLimit) - 4096;
    expect(rulesOf(run(withQueue(4096 - 256 - added), ALL_LAYERS))).toEqual([]);
    expect(rulesOf(run(withQueue(4096 - 256 - added + 1), ALL_LAYERS))).toEqual(["W222"]);
    // A small environment with a few ARNs does not warn.
    expect(rulesOf(run(withQueue(macroBytes + 400), ALL_LAYERS))).toEqual([]);
  });

  test("SAM: Globals' variables count, and a name the function sets too counts once", () => {
    const globals = (vars: Record<string, string>) => ({ Environment: { Variables: vars } });
    // The function's PAD replaces the Globals' one: only the function's counts.
    const shadowed = run(samTemplate({ F: samFunction({ Environment: { Variables: padTo(4096) } }) }, globals({ PAD: "p".repeat(3000) })), ALL_LAYERS);
    expect(rulesOf(shadowed)).toEqual([]);
    const split = (total: number) => {
      const pad = padTo(total).PAD;
      return run(samTemplate({ F: samFunction({ Environment: { Variables: { PAD: pad.slice(0, 1000) } } }) }, globals({ GLOBAL: pad.slice(1000 + "GLOBAL".length) })), ALL_LAYERS);
    };
    expect(rulesOf(split(4096))).toEqual([]);
    expect(rulesOf(split(4097))).toEqual(["E204"]);
  });

  test("idempotent at the edge: the output of a function at 4,096 bytes, transformed again, is the same, byte for byte", () => {
    const first = run(template({ Queue: { Type: "AWS::SQS::Queue" }, F: python({ Environment: { Variables: { ...padTo(4096 - "QUEUE".length), QUEUE: { Ref: "Queue" } } } }) }), ALL_LAYERS);
    expect(first.ok).toBe(true);
    const second = run(first.fragment, ALL_LAYERS);
    expect(second.ok).toBe(true);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
    expect(second.warnings).toEqual(first.warnings);
  });
});

describe("Conditions", () => {
  test("variables set under exclusive Conditions are never counted together (no E204 for a function that fits either way)", () => {
    // With C: A is 2,500 bytes and B 1; without: the other way round. At most ~2,800 bytes with the macro's.
    const fragment = template(
      { F: python({ Environment: { Variables: { A: { "Fn::If": ["C", "a".repeat(2500), "x"] }, B: { "Fn::If": ["C", "y", "b".repeat(2500)] } } } }) },
      EXCLUSIVE_CONDITIONS,
    );
    const outcome = run(fragment, ALL_LAYERS);
    expect(outcome.errors).toEqual([]);
    expect(outcome.ok).toBe(true);
  });
});

describe("checkEnvironmentUnder, asked again about the same environment (the output's check, E208)", () => {
  const context: TemplateContext = { parameterValues: {}, parameterDeclarations: {}, mappings: {}, pseudoParameters: {} };
  const environmentOf = (pad: number) => ({ Variables: { PAD: "p".repeat(pad), ARN: { Ref: "Queue" } } });

  test("within the limit: the same answer whatever the environment before", () => {
    const conditions = new ConditionSpace({}, context);
    const after = environmentOf(ENVIRONMENT_LIMIT_BYTES - 100); // the Ref's allowance takes it past: W222's case
    const first = checkEnvironmentUnder(conditions, {}, after, {}, context);
    expect(first).toEqual({ unknown: { names: ["ARN"], known: ENVIRONMENT_LIMIT_BYTES - 100 + "PAD".length + "ARN".length } });
    expect(checkEnvironmentUnder(conditions, after, after, {}, context)).toEqual(first);
  });

  test("past the limit: the sizes before are each call's own", () => {
    const conditions = new ConditionSpace({}, context);
    const after = environmentOf(ENVIRONMENT_LIMIT_BYTES);
    const added = checkEnvironmentUnder(conditions, {}, after, {}, context);
    const own = checkEnvironmentUnder(conditions, after, after, {}, context);
    expect(added).toEqual({ tooLarge: { before: 0, after: ENVIRONMENT_LIMIT_BYTES + 6, largest: [{ name: "PAD", bytes: ENVIRONMENT_LIMIT_BYTES + 3 }, { name: "ARN", bytes: 3 }] } });
    expect(own).toEqual({ tooLarge: { before: ENVIRONMENT_LIMIT_BYTES + 6, after: ENVIRONMENT_LIMIT_BYTES + 6, largest: [] } });
  });

  test("other inherited variables are measured again", () => {
    const conditions = new ConditionSpace({}, context);
    const after = { Variables: { PAD: "p".repeat(ENVIRONMENT_LIMIT_BYTES - 10) } };
    expect(checkEnvironmentUnder(conditions, {}, after, {}, context)).toBeUndefined();
    expect(checkEnvironmentUnder(conditions, after, after, { GLOBAL: "g".repeat(20) }, context)).toEqual({ tooLarge: expect.objectContaining({ after: ENVIRONMENT_LIMIT_BYTES - 10 + 3 + 26 }) });
  });
});
