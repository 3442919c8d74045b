import { CANNOT_EDIT, ConditionSpace, editBranches, referencedLogicalId, resolve, resolveString, specialize, templateString, type TemplateContext } from "../../src/intrinsics";
import { respond } from "../../src/index";
import { offlineAccountView } from "../../src/lookup/account-view";
import { FORWARDER, NO_VALUE, python, rolelessMachine } from "../helpers/builders";
import { captureLogs } from "../helpers/handler";
import { ALL_LAYERS, jsonCopy, lambda, layerArn, run, template, variables } from "../helpers/macro";

const context: TemplateContext = {
  parameterValues: { Given: "python3.12" },
  parameterDeclarations: { Given: { Type: "String", Default: "python3.9" }, WithDefault: { Type: "String", Default: "nodejs20.x" }, NoDefault: { Type: "String" } },
  mappings: { Runtimes: { Python: { Latest: "python3.13" } } },
};

describe("resolve", () => {
  test("returns literals as they are", () => {
    expect(resolve("python3.12", context)).toEqual({ known: true, value: "python3.12" });
    expect(resolve(["arm64"], context)).toEqual({ known: true, value: ["arm64"] });
  });
  test("resolves Ref to a template parameter from the deploy-time values first, then the Default", () => {
    expect(resolveString({ Ref: "Given" }, context)).toBe("python3.12");
    expect(resolveString({ Ref: "WithDefault" }, context)).toBe("nodejs20.x");
    expect(resolve({ Ref: "NoDefault" }, context).known).toBe(false);
    expect(resolve({ Ref: "SomeResource" }, context).known).toBe(false);
  });
  test("resolves Fn::If only when both branches agree", () => {
    expect(resolveString({ "Fn::If": ["C", "python3.12", { Ref: "Given" }] }, context)).toBe("python3.12");
    expect(resolve({ "Fn::If": ["C", "python3.12", "python3.11"] }, context).known).toBe(false);
  });
  test("resolves Fn::FindInMap with resolvable keys and Fn::Sub without variables", () => {
    expect(resolveString({ "Fn::FindInMap": ["Runtimes", "Python", "Latest"] }, context)).toBe("python3.13");
    expect(resolve({ "Fn::FindInMap": ["Runtimes", "Python", "Missing"] }, context).known).toBe(false);
    expect(resolveString({ "Fn::Sub": "python3.12" }, context)).toBe("python3.12");
    expect(resolve({ "Fn::Sub": "python${V}" }, context).known).toBe(false);
  });
  test("does not resolve objects that contain intrinsics or other functions", () => {
    expect(resolve({ "Fn::GetAtt": ["R", "Arn"] }, context).known).toBe(false);
    expect(resolve([{ Ref: "AWS::Region" }], context).known).toBe(false);
  });
});

describe("editBranches", () => {
  const addOne = (branch: unknown) => [...((branch as unknown[]) ?? []), "added"];
  test("edits a literal, and an absent value as undefined", () => {
    expect(editBranches(["a"], addOne)).toEqual(["a", "added"]);
    expect(editBranches(undefined, addOne)).toEqual(["added"]);
  });
  test("edits both branches of nested Fn::If, turning AWS::NoValue into a value", () => {
    const value = { "Fn::If": ["A", ["x"], { "Fn::If": ["B", { Ref: "AWS::NoValue" }, ["y"]] }] };
    expect(editBranches(value, addOne)).toEqual({
      "Fn::If": ["A", ["x", "added"], { "Fn::If": ["B", ["added"], ["y", "added"]] }],
    });
  });
  test("refuses other intrinsics", () => {
    expect(editBranches({ Ref: "LayersParameter" }, addOne)).toBe(CANNOT_EDIT);
    expect(editBranches({ "Fn::If": ["A", ["x"], { "Fn::Split": [",", "a,b"] }] }, addOne)).toBe(CANNOT_EDIT);
  });
  test("returns the very same value when no branch changed, so callers need not compare contents", () => {
    const value = { "Fn::If": ["A", ["x"], { Ref: "AWS::NoValue" }] };
    expect(editBranches(value, (branch) => branch)).toBe(value);
    expect(editBranches(undefined, () => undefined)).toBeUndefined();
  });
});

describe("specialize", () => {
  const context: TemplateContext = { parameterValues: { Stage: "prod" }, parameterDeclarations: {}, mappings: {}, pseudoParameters: {} };
  const value = { Variables: { A: { "Fn::If": ["IsProd", "big", { Ref: "AWS::NoValue" }] }, B: ["x", { "Fn::If": ["IsProd", "y", "z"] }] } };

  test("a choice that decides a condition takes its branch, removing AWS::NoValue", () => {
    const space = new ConditionSpace({ IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } }, context);
    const [truth] = space.choices(["IsProd"]);
    expect(specialize(value, truth)).toEqual({ Variables: { A: "big", B: ["x", "y"] } });
    const [otherwise] = new ConditionSpace({ IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "dev"] } }, context).choices(["IsProd"]);
    expect(specialize(value, otherwise)).toEqual({ Variables: { B: ["x", "z"] } });
  });

  test("a choice that decides nothing returns the value itself, uncopied", () => {
    const space = new ConditionSpace({ IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } }, context);
    const choices = space.choices([]);
    expect(choices).toHaveLength(1);
    expect(specialize(value, choices[0])).toBe(value);
    expect(specialize(value, space.choices(["Unknown"])[0])).toBe(value);
  });
});

describe("referencedLogicalId", () => {
  test("reads GetAtt in list and dotted form, and Sub of a single attribute", () => {
    expect(referencedLogicalId({ "Fn::GetAtt": ["MyRole", "Arn"] }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::GetAtt": "MyRole.Arn" }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::Sub": "${MyRole.Arn}" }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::GetAtt": ["MyRole", "RoleId"] }, "Arn")).toBeUndefined();
    expect(referencedLogicalId("arn:aws:iam::1:role/x", "Arn")).toBeUndefined();
  });
});

describe("pseudo parameters, Fn::Join and Fn::Sub", () => {
  const withPseudo: TemplateContext = { ...context, pseudoParameters: { "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws" } };
  test("resolve what the macro request tells", () => {
    expect(resolveString({ Ref: "AWS::Region" }, withPseudo)).toBe("eu-west-1");
    expect(resolve({ Ref: "AWS::StackName" }, withPseudo).known).toBe(false);
  });
  test("Fn::Join of resolvable parts, as CDK writes `${stack.region}` in strings", () => {
    const join = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":secretsmanager:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":secret:dd"]] };
    expect(resolveString(join, withPseudo)).toBe("arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd");
    expect(resolve({ "Fn::Join": ["", ["a", { "Fn::GetAtt": ["X", "Arn"] }]] }, withPseudo).known).toBe(false);
  });
  test("Fn::Sub with parameters, its own variables and escapes", () => {
    expect(resolveString({ "Fn::Sub": "${AWS::Region}-${Given}" }, withPseudo)).toBe("eu-west-1-python3.12");
    expect(resolveString({ "Fn::Sub": ["${A}/${!Literal}", { A: { Ref: "AWS::AccountId" } }] }, withPseudo)).toBe("123456789012/${Literal}");
    expect(resolve({ "Fn::Sub": "${Bucket.Arn}" }, withPseudo).known).toBe(false);
  });
});

describe("templateString", () => {
  test("reads Sub, Join and Ref alike, resolving what can be resolved and keeping ${Name} for the rest", () => {
    expect(templateString({ "Fn::Sub": "/aws/lambda/${Fn}" }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Join": ["", ["/aws/lambda/", { Ref: "Fn" }]] }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Sub": "/logs/${Given}" }, context)).toBe("/logs/python3.12");
  });
  test("Fn::Sub with a variable map reads each variable as its value's template string", () => {
    expect(templateString({ "Fn::Sub": ["/aws/lambda/${Name}", { Name: { Ref: "Fn" } }] }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Sub": ["/${A}/${Given}", { A: { "Fn::Join": ["-", ["x", { Ref: "Given" }]] } }] }, context)).toBe("/x-python3.12/python3.12");
    // A variable whose value has no template string makes the whole unreadable.
    expect(templateString({ "Fn::Sub": ["/${A}", { A: { "Fn::GetAZs": "" } }] }, context)).toBeUndefined();
    expect(templateString({ "Fn::Sub": ["/${A}", "not a map"] }, context)).toBeUndefined();
  });
});

describe("in a template", () => {
  test.each(["valueOf", "constructor", "toString", "__proto__", "hasOwnProperty"])("template-supplied names are looked up as own properties only: Ref %s resolves to nothing built in", (name) => {
    const fragment = template({ Fn: python({ Runtime: { Ref: name }, Architectures: { "Fn::FindInMap": [name, name, name] } }) }, { Mappings: {} });
    const outcome = run(fragment, { ...ALL_LAYERS, service: { "Fn::Sub": `\${${name}}` } });
    expect(outcome.ok).toBe(true);
    const text = JSON.stringify(outcome.fragment);
    expect(text).not.toMatch(/function|\[native code\]|\[object Object\]/);
    expect(outcome.warnings.join()).toMatch(/W202/);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  test("intrinsics nested a thousand levels deep are unresolvable, not a crash", async () => {
    let runtime: unknown = "python3.12";
    for (let i = 0; i < 1000; i++) runtime = { "Fn::Join": ["", [runtime]] };
    let handlerValue: unknown = "app.handler";
    for (let i = 0; i < 1000; i++) handlerValue = { "Fn::If": ["C", handlerValue, "x"] };
    const fragment = template({ Fn: lambda({ Runtime: runtime, Handler: handlerValue }), Py: python() });
    const before = jsonCopy(fragment);
    const response = await respond({ requestId: "r", region: "us-east-1", params: ALL_LAYERS, fragment }, {}, captureLogs().logger, () => offlineAccountView());
    expect(response.status).toBe("success");
    const out = (response.fragment as any).Resources;
    expect(out.Fn.Properties.Layers).toBeUndefined();
    expect(out.Py.Properties.Layers).toEqual([layerArn("Datadog-Python312", 100)]);
    // Compared as text: a deep structural comparison would itself exhaust the stack.
    expect(JSON.stringify(fragment)).toBe(JSON.stringify(before));
  });

  test("17 Fn::If alternatives are unresolvable at once, not enumerated (holds)", () => {
    let runtime: unknown = "python3.12";
    for (let i = 0; i < 17; i++) runtime = { "Fn::If": [`C${i}`, i % 2 ? "python3.11" : "nodejs20.x", runtime] };
    const started = Date.now();
    const outcome = run(template({ F: lambda({ Runtime: runtime, Handler: "a.b" }) }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings.join()).toMatch(/W202/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("SSM-typed template parameters", () => {
  const parameters = {
    DdSecret: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/datadog/api-key-secret-arn" },
    Service: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/app/service" },
    LayerVersion: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/datadog/python-layer" },
  };
  test("values that only flow into the template stay intrinsics for CloudFormation to resolve", () => {
    const fragment = template({ Fn: python() }, { Parameters: parameters });
    const outcome = run(fragment, { ...ALL_LAYERS, apiKeySecretArn: { Ref: "DdSecret" }, service: { Ref: "Service" }, forwarderArn: FORWARDER, stackName: "s" });
    expect(outcome.errors).toEqual([]);
    const out = (outcome.fragment as any).Resources;
    expect(variables(out.Fn)).toMatchObject({ DD_API_KEY_SECRET_ARN: { Ref: "DdSecret" }, DD_SERVICE: { Ref: "Service" } });
    expect(out.Fn.Properties.Tags).toContainEqual({ Key: "service", Value: { Ref: "Service" } });
    const statement = out.Role.Properties.Policies[0].PolicyDocument.Statement.find((s: any) => s.Sid === "DatadogApiKeySecret");
    expect(statement.Resource).toEqual([{ Ref: "DdSecret" }, { "Fn::Sub": ["${Arn}-??????", { Arn: { Ref: "DdSecret" } }] }]);
    expect(JSON.stringify(out)).not.toContain("/datadog/api-key-secret-arn");
  });
  test("a value the macro needs fails, saying why, instead of using the SSM path", () => {
    const outcome = run(template({ Fn: python() }, { Parameters: parameters }), { pythonLayerVersion: { Ref: "LayerVersion" } });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors[0]).toMatch(/^\[E115\] Parameter `pythonLayerVersion` .* is a Ref to `LayerVersion`, an SSM parameter/);
    // And the layer-version rule does not pile up a second, misleading error for the same parameter.
    expect(outcome.errors).toHaveLength(1);
  });
  test("Runtime from an SSM parameter is unresolvable, not its path", () => {
    const fragment = template({ Fn: python({ Runtime: { Ref: "Rt" } }) }, { Parameters: { Rt: { Type: "AWS::SSM::Parameter::Value<String>", Default: "python3.12" } } });
    const outcome = run(fragment, ALL_LAYERS);
    expect((outcome.fragment as any).Resources.Fn.Properties.Layers).toBeUndefined();
    expect(outcome.warnings.join()).toMatch(/W202.*its Runtime is an intrinsic function the macro cannot resolve/);
  });
});

describe("keys are never written beside an intrinsic", () => {
  test("Properties given as a whole Fn::If: the function is left as it was, with a warning", () => {
    const fn = { Type: "AWS::Lambda::Function", Properties: { "Fn::If": ["C", python().Properties, python({ Runtime: "nodejs20.x" }).Properties] } };
    const outcome = run(template({ Fn: fn }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect((outcome.fragment as any).Resources.Fn).toEqual(fn);
    expect(outcome.skipped.map((s) => s.logicalId)).toEqual(["Fn"]);
    expect(outcome.warnings.join()).toMatch(/W201\] Fn: skipped, its Properties is an intrinsic function/);
  });
  test("a state machine whose Properties is an intrinsic is left alone too", () => {
    const properties = () => rolelessMachine().Properties;
    const sm = { Type: "AWS::StepFunctions::StateMachine", Properties: { "Fn::If": ["C", properties(), properties()] } };
    const outcome = run(template({ M: sm }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect((outcome.fragment as any).Resources.M).toEqual(sm);
    expect(Object.keys((outcome.fragment as any).Resources)).toEqual(["Role", "M"]);
  });
  test("Fn::If with AWS::NoValue branches in Layers, Environment and Tags: branches edited, shapes valid (fuzzed, holds)", () => {
    const input = template(
      {
        F: lambda({
          Runtime: "python3.12",
          Handler: "app.handler",
          Layers: { "Fn::If": ["C", NO_VALUE, ["arn:aws:lambda:us-east-1:111111111111:layer:Other:1"]] },
          Environment: { "Fn::If": ["C", { Variables: { A: "1" } }, NO_VALUE] },
          Tags: { "Fn::If": ["C", NO_VALUE, [{ Key: "k", Value: "v" }]] },
        }),
      },
      { Conditions: { C: { "Fn::Equals": ["a", "a"] } } },
    );
    const before = JSON.stringify(input);
    const props = (run(input, ALL_LAYERS).fragment as any).Resources.F.Properties;
    expect(JSON.stringify(input)).toBe(before);
    for (const key of ["Layers", "Environment", "Tags"]) {
      const [condition, whenTrue, whenFalse] = props[key]["Fn::If"];
      expect(condition).toBe("C");
      expect(whenTrue).not.toEqual(NO_VALUE);
      expect(whenFalse).not.toEqual(NO_VALUE);
    }
  });
});

describe("bounded cost of resolving", () => {
  test("an Fn::Join of 100,000 parts resolves in time linear in its parts", () => {
    // About 300 KB of template. Linear work takes well under a second; quadratic work took minutes, so the
    // bound below tells them apart by two orders of magnitude, however busy the machine.
    const parts = Array.from({ length: 100_000 }, () => "");
    const fragment = template({ F: python({ Environment: { Variables: { J: { "Fn::Join": ["", parts] } } } }) });
    const started = Date.now();
    const outcome = run(fragment, ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 120_000);
});
