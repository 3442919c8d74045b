/**
 * Regression tests for the ways a review found the macro could damage a stack or mislead its user
 * (issue "Never harm a stack"): each failed before the redesign.
 */
import { closestName } from "../../src/config/suggest";
import { respond } from "../../src/index";
import type { Logger } from "../../src/log";
import { offlineAccountView } from "../../src/lookup/account-view";
import { transformWithLookups } from "../../src/transform";
import { ALL_LAYERS, instrument, lambda, layerArn, run, template, variables } from "../helpers/macro";
import { newerRuntime } from "../helpers/runtimes";

const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder";
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) } };
}

const python = (properties: Record<string, unknown> = {}) => lambda({ Runtime: "python3.12", Handler: "app.handler", ...properties });
const machine = (properties: Record<string, unknown> = {}) => ({
  Type: "AWS::StepFunctions::StateMachine",
  Properties: { Definition: { StartAt: "A", States: { A: { Type: "Pass", End: true } } }, ...properties },
});
const queue = () => ({ Type: "AWS::SQS::Queue", Properties: { QueueName: "users-own" } });

describe("1. a resource of the user's is never replaced", () => {
  // Every logical id the macro would generate for Fn and Machine is already taken by an unrelated resource.
  const taken = { MachineRole: queue(), MachineLogGroup: queue(), MachineDatadogSubscription: queue(), FnLogGroup: queue(), FnDatadogSubscription: queue() };
  const input = template({ Fn: python({ FunctionName: "orders" }), Machine: machine(), ...taken });
  const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER };

  test("the macro picks other ids and leaves the user's resources as they were", () => {
    const outcome = run(copy(input), params);
    expect(outcome.ok).toBe(true);
    const out = (outcome.fragment as any).Resources;
    for (const id of Object.keys(taken)) expect(out[id]).toEqual(queue());
    const roleId = out.Machine.Properties.RoleArn["Fn::GetAtt"][0];
    expect(roleId).not.toBe("MachineRole");
    expect(out[roleId].Type).toBe("AWS::IAM::Role");
    const added = Object.keys(out).filter((id) => !(id in (input.Resources as object)));
    expect(added.sort()).toEqual(["FnDatadogSubscription2", "FnLogGroup2", "MachineDatadogSubscription2", "MachineLogGroup2", "MachineRole2"]);
    expect(out.FnDatadogSubscription2.Properties.LogGroupName).toEqual({ Ref: "FnLogGroup2" });
  });

  test("is idempotent: the output transformed again is unchanged", () => {
    const once = run(copy(input), params).fragment;
    const twice = run(copy(once), params);
    expect(twice.ok).toBe(true);
    expect(twice.fragment).toEqual(once);
  });

  test("what the macro adds for a resource with a Condition carries that Condition", () => {
    const conditional = template({ Fn: { ...python({ FunctionName: "orders" }), Condition: "IsProd" }, Machine: { ...machine(), Condition: "HasMachine" } }, { Conditions: { IsProd: { "Fn::Equals": ["a", "a"] }, HasMachine: { "Fn::Equals": ["a", "a"] } } });
    const out = (run(conditional, params).fragment as any).Resources;
    expect(out.FnLogGroup.Condition).toBe("IsProd");
    expect(out.FnDatadogSubscription.Condition).toBe("IsProd");
    expect(out.MachineRole.Condition).toBe("HasMachine");
    expect(out.MachineLogGroup.Condition).toBe("HasMachine");
  });

  test("a subscription on a declared group with its own Condition carries both, as one Fn::And condition", () => {
    const fragment = template(
      {
        Fn: { ...python({ FunctionName: "orders" }), Condition: "IsProd" },
        Group: { Type: "AWS::Logs::LogGroup", Condition: "KeepLogs", Properties: { LogGroupName: "/aws/lambda/orders" } },
      },
      { Conditions: { IsProd: { "Fn::Equals": ["a", "a"] }, KeepLogs: { "Fn::Equals": ["a", "a"] } } },
    );
    const outcome = run(fragment, { ...ALL_LAYERS, forwarderArn: FORWARDER });
    const out = outcome.fragment as any;
    const condition = out.Resources.FnDatadogSubscription.Condition;
    expect(out.Conditions[condition]).toEqual({ "Fn::And": [{ Condition: "IsProd" }, { Condition: "KeepLogs" }] });
    expect(run(copy(out), { ...ALL_LAYERS, forwarderArn: FORWARDER }).fragment).toEqual(out);
  });

  test("generated ids stay within CloudFormation's 255 characters, and stable", () => {
    const long = `F${"x".repeat(250)}`;
    const out = (run(template({ [long]: python({ FunctionName: "orders" }) }), { ...ALL_LAYERS, forwarderArn: FORWARDER }).fragment as any).Resources;
    const added = Object.keys(out).filter((id) => id.endsWith("DatadogSubscription") || id.endsWith("LogGroup"));
    expect(added).toHaveLength(2);
    for (const id of added) expect(id.length).toBeLessThanOrEqual(255);
  });
});

describe("2. exclude on a state machine", () => {
  test("is not called unknown, and the machine is listed as skipped", () => {
    const outcome = run(template({ Machine: machine(), Other: machine() }), { addLayers: false, stepFunctionForwarderArn: FORWARDER, exclude: "Machine" });
    expect(outcome.ok).toBe(true);
    expect(outcome.diagnostics.map((d) => d.rule)).not.toContain("W103");
    expect(outcome.skipped).toEqual([{ logicalId: "Machine", reason: "listed in `exclude`" }]);
    expect(outcome.instrumented).toEqual(["Other"]);
    expect((outcome.fragment as any).Resources.Machine).toEqual(machine());
  });
});

describe("3. SSM-typed template parameters", () => {
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

describe("4. a bug of the macro on the forwarder path", () => {
  test("is an internal error, not a user error, and returns the fragment as received", async () => {
    const event = { requestId: "r1", region: "us-east-1", accountId: "123456789012", params: { ...ALL_LAYERS, forwarderArn: FORWARDER }, templateParameterValues: {}, fragment: template({ Fn: python({ FunctionName: "orders" }) }) };
    const before = copy(event.fragment);
    const broken = () => ({ ...offlineAccountView(), logGroupNames: async () => (undefined as any).boom });
    const response = await respond(event, {}, capture().logger, broken);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/\[E901\] Unexpected internal error \(TypeError/);
    expect(response.fragment).toEqual(before);
  });
  test("an exception while writing the template leaves the fragment as received", async () => {
    const event = { requestId: "r2", region: "us-east-1", params: ALL_LAYERS, templateParameterValues: {}, fragment: template({ A: python(), B: python(), C: python() }) };
    const before = copy(event.fragment);
    // B's Tags throws when the tag step reads it (its second read: discovery reads it first), after A was instrumented.
    let reads = 0;
    Object.defineProperty((event.fragment.Resources as any).B.Properties, "Tags", {
      enumerable: true,
      get() {
        reads++;
        if (reads === 2) throw new Error("injected");
        return undefined;
      },
    });
    const response = await respond(event, {}, capture().logger, () => offlineAccountView());
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/E901.*injected/);
    expect(response.fragment).toBe(event.fragment);
    expect(copy(event.fragment)).toEqual(before);
  });
});

describe("6. Runtime given as Fn::If with different branches", () => {
  test("gets Layers and Handler as Fn::If on the same condition", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["UsePython", "python3.12", "nodejs20.x"] }, Handler: "app.handler" });
    const out = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties;
    expect(out.Layers).toEqual({ "Fn::If": ["UsePython", [layerArn("Datadog-Python312", 100)], [layerArn("Datadog-Node20-x", 110)]] });
    expect(out.Handler).toEqual({ "Fn::If": ["UsePython", "datadog_lambda.handler.handler", "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"] });
    expect(out.Environment.Variables.DD_LAMBDA_HANDLER).toBe("app.handler");
  });
  test("and with Architectures as Fn::If on another condition, every combination", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["A", "python3.12", "python3.13"] }, Architectures: { "Fn::If": ["B", ["arm64"], ["x86_64"]] }, Handler: "app.handler" });
    const layers = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties.Layers;
    expect(layers).toEqual({
      "Fn::If": [
        "A",
        { "Fn::If": ["B", [layerArn("Datadog-Python312-ARM", 100)], [layerArn("Datadog-Python312", 100)]] },
        { "Fn::If": ["B", [layerArn("Datadog-Python313-ARM", 100)], [layerArn("Datadog-Python313", 100)]] },
      ],
    });
  });
  test("a branch whose runtime needs no layer keeps the function's own", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["A", "python3.12", "provided.al2023"] }, Handler: "app.handler", Layers: ["arn:aws:lambda:us-east-1:1:layer:mine:1"] });
    const out = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties;
    expect(out.Layers).toEqual({ "Fn::If": ["A", ["arn:aws:lambda:us-east-1:1:layer:mine:1", layerArn("Datadog-Python312", 100)], ["arn:aws:lambda:us-east-1:1:layer:mine:1"]] });
    expect(out.Handler).toEqual({ "Fn::If": ["A", "datadog_lambda.handler.handler", "app.handler"] });
  });
});

describe("7. keys are never written beside an intrinsic", () => {
  test("Properties given as a whole Fn::If: the function is left as it was, with a warning", () => {
    const fn = { Type: "AWS::Lambda::Function", Properties: { "Fn::If": ["C", python().Properties, python({ Runtime: "nodejs20.x" }).Properties] } };
    const outcome = run(template({ Fn: fn }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect((outcome.fragment as any).Resources.Fn).toEqual(fn);
    expect(outcome.skipped.map((s) => s.logicalId)).toEqual(["Fn"]);
    expect(outcome.warnings.join()).toMatch(/W201\] Fn: skipped, its Properties is an intrinsic function/);
  });
  test("a state machine whose Properties is an intrinsic is left alone too", () => {
    const sm = { Type: "AWS::StepFunctions::StateMachine", Properties: { "Fn::If": ["C", machine().Properties, machine().Properties] } };
    const outcome = run(template({ M: sm }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect((outcome.fragment as any).Resources.M).toEqual(sm);
    expect(Object.keys((outcome.fragment as any).Resources)).toEqual(["Role", "M"]);
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
    const outcome = run(template({ M: machine({ Definition: definition }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect((outcome.fragment as any).Resources.M.Properties.Definition).toEqual(definition);
    const left = outcome.diagnostics.filter((d) => d.rule === "W406").map((d) => d.text);
    expect(left).toHaveLength(3);
  });
});

describe("8. template-supplied names are looked up as own properties only", () => {
  test.each(["valueOf", "constructor", "toString", "__proto__", "hasOwnProperty"])("Ref %s resolves to nothing built in", (name) => {
    const fragment = template({ Fn: python({ Runtime: { Ref: name }, Architectures: { "Fn::FindInMap": [name, name, name] } }) }, { Mappings: {} });
    const outcome = run(fragment, { ...ALL_LAYERS, service: { "Fn::Sub": `\${${name}}` } });
    expect(outcome.ok).toBe(true);
    const text = JSON.stringify(outcome.fragment);
    expect(text).not.toMatch(/function|\[native code\]|\[object Object\]/);
    expect(outcome.warnings.join()).toMatch(/W202/);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
  test("a tag key `__proto__` stays a key and pollutes nothing", () => {
    const sam = { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.b", Tags: {} } };
    const out = instrument(template({ S: sam }), { ...ALL_LAYERS, forwarderArn: FORWARDER, stackName: "s", tags: "__proto__:polluted" });
    expect(Object.keys(out.S.Properties.Tags)).toContain("__proto__");
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe("9. secrets are never echoed", () => {
  const key = "0123456789abcdef0123456789abcdef";
  test("an API key pasted into apiKeySecretArn is not in the message or the logs", async () => {
    const { logger, lines } = capture();
    const event = { requestId: "r", region: "us-east-1", params: { apiKeySecretArn: key, addLayers: false }, templateParameterValues: {}, fragment: template({}) };
    const response = await respond(event, {}, logger);
    expect(response.errorMessage).toMatch(/E126\] Parameter `apiKeySecretArn` must be an ARN/);
    expect(`${response.errorMessage}${lines.join("")}`).not.toContain(key);
  });
  test("gitData given as a list keeps the repository credentials out of every message", async () => {
    const { logger, lines } = capture();
    const gitData = ["abc1234", "https://deploy:s3cr3t-t0ken@github.com/acme/app"];
    const response = await respond({ requestId: "r", region: "us-east-1", params: { gitData, addLayers: false }, fragment: template({}) }, {}, logger);
    expect(response.status).toBe("failure");
    const everything = `${response.errorMessage}${lines.join("")}`;
    expect(everything).not.toContain("s3cr3t-t0ken");
    expect(everything).not.toContain("deploy:");
  });
  test("a secret value quoted by another message (here, as an unknown site) is masked", () => {
    const outcome = run(template({}), { apiKey: key, site: key, addLayers: false });
    expect(outcome.errors.join()).toMatch(/E121/);
    expect(outcome.errors.join()).not.toContain(key);
  });
});

describe("10. every problem at once", () => {
  test("a parameter error does not hide the template's problems", () => {
    const outcome = run(template({ Fn: python(), Node: lambda({ Runtime: newerRuntime("nodejs"), Handler: "a.b" }) }), { site: "nowhere", pythonLayerVersion: 1, forwarderArn: FORWARDER });
    expect(outcome.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule)).toEqual(["E121", "E201", "E301"]);
  });
  test("a rejected layer version is not also reported as missing", () => {
    const outcome = run(template({ Fn: python() }), { pythonLayerVersion: "latest" });
    expect(outcome.diagnostics.map((d) => d.rule)).toEqual(["E116"]);
  });
});

describe("11. cost bounded by input size", () => {
  test("a 200,000-character unknown parameter name gets no suggestion search", () => {
    const name = "p".repeat(200_000);
    expect(closestName(name, ["pythonLayerVersion"])).toBeUndefined();
    const outcome = run(template({}), { [name]: 1 });
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0].length).toBeLessThan(400);
  }, 5_000);
  test("intrinsics nested a thousand levels deep are unresolvable, not a crash", async () => {
    let runtime: unknown = "python3.12";
    for (let i = 0; i < 1000; i++) runtime = { "Fn::Join": ["", [runtime]] };
    let handlerValue: unknown = "app.handler";
    for (let i = 0; i < 1000; i++) handlerValue = { "Fn::If": ["C", handlerValue, "x"] };
    const fragment = template({ Fn: lambda({ Runtime: runtime, Handler: handlerValue }), Py: python() });
    const before = copy(fragment);
    const response = await respond({ requestId: "r", region: "us-east-1", params: ALL_LAYERS, fragment }, {}, capture().logger, () => offlineAccountView());
    expect(response.status).toBe("success");
    const out = (response.fragment as any).Resources;
    expect(out.Fn.Properties.Layers).toBeUndefined();
    expect(out.Py.Properties.Layers).toEqual([layerArn("Datadog-Python312", 100)]);
    // Compared as text: a deep structural comparison would itself exhaust the stack.
    expect(JSON.stringify(fragment)).toBe(JSON.stringify(before));
  });
  test("a state machine definition nested thousands of levels deep is read iteratively or left alone", () => {
    let states: any = { StartAt: "L", States: { L: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, End: true } } };
    for (let i = 0; i < 3000; i++) states = { StartAt: "P", States: { P: { Type: "Parallel", Branches: [states], End: true } } };
    const outcome = run(template({ M: machine({ Definition: states }) }), { addLayers: false, stepFunctionForwarderArn: FORWARDER });
    expect(outcome.ok).toBe(true);
  });
});

describe("the fragment as received is never changed", () => {
  test("a successful transform leaves its input untouched and shares unchanged parts", async () => {
    const fragment = template({ Fn: python({ Environment: { Variables: { A: "1" } } }), Queue: queue() });
    const before = copy(fragment);
    const outcome = await transformWithLookups(
      { fragment, params: { ...ALL_LAYERS, enableXrayTracing: true }, region: "us-east-1", templateParameterValues: {}, env: {}, macroVersion: "1" },
      () => offlineAccountView(),
    );
    expect(outcome.ok).toBe(true);
    expect(fragment).toEqual(before);
    const out = outcome.fragment as any;
    expect(out.Resources.Queue).toBe((fragment.Resources as any).Queue);
    expect(out.Resources.Fn.Properties.Environment.Variables).toMatchObject({ A: "1", DD_SITE: "datadoghq.com" });
  });
});
