/**
 * Resources the macro adds (log groups, subscriptions, state machine roles): their logical ids never take a
 * name of the user's, they carry the Condition of what they serve, and a second run adds nothing.
 */
import { FORWARDER, INVOKE, python, rolelessMachine, stateMachine } from "../helpers/builders";
import { ALL_LAYERS, jsonCopy, lambda, run, template } from "../helpers/macro";

const queue = () => ({ Type: "AWS::SQS::Queue", Properties: { QueueName: "users-own" } });

describe("logical ids", () => {
  // Every logical id the macro would generate for Fn and Machine is already taken by an unrelated resource.
  const taken = { MachineRole: queue(), MachineLogGroup: queue(), MachineDatadogSubscription: queue(), FnLogGroup: queue(), FnDatadogSubscription: queue() };
  const input = template({ Fn: python({ FunctionName: "orders" }), Machine: rolelessMachine(), ...taken });
  const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER };

  test("ids taken by the user's resources: the macro picks other ids and leaves the user's resources as they were", () => {
    const outcome = run(jsonCopy(input), params);
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

  test("ids taken by the user's resources: the output transformed again is unchanged (idempotent)", () => {
    const once = run(jsonCopy(input), params).fragment;
    const twice = run(jsonCopy(once), params);
    expect(twice.ok).toBe(true);
    expect(twice.fragment).toEqual(once);
  });

  test("generated ids stay within CloudFormation's 255 characters, and stable", () => {
    const long = `F${"x".repeat(250)}`;
    const out = (run(template({ [long]: python({ FunctionName: "orders" }) }), { ...ALL_LAYERS, forwarderArn: FORWARDER }).fragment as any).Resources;
    const added = Object.keys(out).filter((id) => id.endsWith("DatadogSubscription") || id.endsWith("LogGroup"));
    expect(added).toHaveLength(2);
    for (const id of added) expect(id.length).toBeLessThanOrEqual(255);
  });

  // Resources and Parameters share one namespace (cfn-lint E3007 "Resources and Parameters must not share
  // name"; a Ref would be ambiguous), so a free id must be free in both.
  test("an added resource never takes the name of a template parameter", () => {
    const input = template(
      { Fn: lambda({ Runtime: "python3.12", Handler: "app.handler", FunctionName: "orders" }) },
      { Parameters: { FnLogGroup: { Type: "String", Default: "x" }, FnDatadogSubscription: { Type: "String", Default: "y" } } },
    );
    const outcome = run(input, { ...ALL_LAYERS, forwarderArn: FORWARDER });
    expect(outcome.ok).toBe(true);
    const added = Object.keys((outcome.fragment as any).Resources).filter((id) => !(id in (input.Resources as object)));
    expect(added.length).toBeGreaterThan(0);
    for (const id of added) expect(Object.keys(input.Parameters as object)).not.toContain(id);
  });
});

describe("Conditions", () => {
  const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER };

  test("what the macro adds for a resource with a Condition carries that Condition", () => {
    const conditional = template({ Fn: { ...python({ FunctionName: "orders" }), Condition: "IsProd" }, Machine: { ...rolelessMachine(), Condition: "HasMachine" } }, { Conditions: { IsProd: { "Fn::Equals": ["a", "a"] }, HasMachine: { "Fn::Equals": ["a", "a"] } } });
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
    expect(run(jsonCopy(out), { ...ALL_LAYERS, forwarderArn: FORWARDER }).fragment).toEqual(out);
  });

  test("idempotent with literal runtimes, a forwarder, a state machine and a Condition (fuzzed, holds)", () => {
    const input = template(
      {
        F: { ...lambda({ Runtime: "nodejs20.x", Handler: "index.h", FunctionName: "orders" }), Condition: "C" },
        M: stateMachine({ RoleArn: "arn:aws:iam::123456789012:role/states", Definition: { StartAt: "A", States: { A: { Type: "Task", Resource: INVOKE, Parameters: { FunctionName: "f" }, End: true } } } }, { defaults: false }),
      },
      { Conditions: { C: { "Fn::Equals": ["a", "a"] } } },
    );
    const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER };
    const first = run(input, params);
    expect(first.ok).toBe(true);
    const again = jsonCopy(first.fragment);
    expect(run(again, params).fragment).toEqual(again);
  });
});
