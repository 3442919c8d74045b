/**
 * Resources the macro adds (log groups, subscriptions, state machine roles): their logical ids never take a
 * name of the user's, they carry the Condition of what they serve, and a second run adds nothing.
 */
import { FORWARDER, PASS_DEFINITION, python, stateMachine } from "../helpers/builders";
import { ALL_LAYERS, jsonCopy, run, template } from "../helpers/macro";

const queue = () => ({ Type: "AWS::SQS::Queue", Properties: { QueueName: "users-own" } });
/** A state machine without a RoleArn, so the macro adds its role. */
const machine = () => stateMachine({ Definition: PASS_DEFINITION }, { defaults: false });

describe("logical ids", () => {
  // Every logical id the macro would generate for Fn and Machine is already taken by an unrelated resource.
  const taken = { MachineRole: queue(), MachineLogGroup: queue(), MachineDatadogSubscription: queue(), FnLogGroup: queue(), FnDatadogSubscription: queue() };
  const input = template({ Fn: python({ FunctionName: "orders" }), Machine: machine(), ...taken });
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
});

describe("Conditions", () => {
  const params = { ...ALL_LAYERS, forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER };

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
    expect(run(jsonCopy(out), { ...ALL_LAYERS, forwarderArn: FORWARDER }).fragment).toEqual(out);
  });
});
