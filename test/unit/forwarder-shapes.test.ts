/** The forwarder path deploys wherever the stack deploys without the macro. */
import { ALL_LAYERS, instrument, run, template } from "../helpers/macro";
import { FORWARDER, python } from "../helpers/builders";

const params = { ...ALL_LAYERS, forwarderArn: FORWARDER };
const ofType = (resources: Record<string, any>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe("log groups the template declares under a computed name", () => {
  test.each([
    ["!Sub /aws/lambda/${Fn}", { "Fn::Sub": "/aws/lambda/${Fn}" }, {}],
    ['!Join ["", ["/aws/lambda/", !Ref Fn]]', { "Fn::Join": ["", ["/aws/lambda/", { Ref: "Fn" }]] }, {}],
    ["a FunctionName and group written with the stack name", { "Fn::Sub": "/aws/lambda/${AWS::StackName}-orders" }, { FunctionName: { "Fn::Sub": "${AWS::StackName}-orders" } }],
  ])("%s: subscribed by Ref, no second group", (_name, groupName, fnProperties) => {
    const outcome = run(template({ Fn: python(fnProperties), Group: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: groupName } } }), params);
    expect(outcome.errors).toEqual([]);
    const out = (outcome.fragment as any).Resources;
    expect(ofType(out, "AWS::Logs::LogGroup").map(([id]) => id)).toEqual(["Group"]);
    const [[, filter]] = ofType(out, "AWS::Logs::SubscriptionFilter");
    expect(filter.Properties.LogGroupName).toEqual({ Ref: "Group" });
  });
});

describe("CDK's logRetention (Custom::LogRetention)", () => {
  const retention = {
    Type: "Custom::LogRetention",
    Properties: { ServiceToken: { "Fn::GetAtt": ["LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A", "Arn"] }, LogGroupName: { "Fn::Join": ["", ["/aws/lambda/", { Ref: "Fn" }]] }, RetentionInDays: 14 },
  };
  test("the group it creates is subscribed after it exists, and the macro declares none", () => {
    const out = instrument(template({ Fn: python(), FnLogRetention: retention }), { ...params, stackName: "orders" });
    expect(ofType(out, "AWS::Logs::LogGroup")).toEqual([]);
    const [[, filter]] = ofType(out, "AWS::Logs::SubscriptionFilter");
    expect(filter.DependsOn).toBe("FnLogRetention");
    expect(filter.Properties.LogGroupName).toEqual({ "Fn::Join": ["", ["/aws/lambda/", { Ref: "Fn" }]] });
    // Transformed again: nothing changes.
    expect(instrument(template(out), { ...params, stackName: "orders" })).toEqual(out);
  });
  test("no stackName is needed: CDK names the group", () => {
    expect(run(template({ Fn: python(), FnLogRetention: retention }), params).errors).toEqual([]);
  });
});
