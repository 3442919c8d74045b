/**
 * Regressions from the hostile review of API log forwarding, `forwardLogGroups` and X-Ray beyond Lambda:
 * each case deployed wrong (or not at all) before its fix.
 */
import { run } from "../helpers/macro";

const FWD = "arn:aws:lambda:us-east-1:123456789012:function:fwd";
const INFO = [{ ResourcePath: "/*", HttpMethod: "*", LoggingLevel: "INFO" }];
const ofType = (fragment: any, type: string) =>
  Object.entries<any>(fragment.Resources).filter(([, r]) => r.Type === type).map(([id, r]) => ({ id, ...r }));
const filtersOn = (fragment: any, name: unknown) =>
  ofType(fragment, "AWS::Logs::SubscriptionFilter").filter((f) => JSON.stringify(f.Properties.LogGroupName) === JSON.stringify(name));

function restApi(extra: Record<string, unknown> = {}) {
  return {
    Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "x" } },
    Dep: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { Ref: "Api" } } },
    ...extra,
  };
}
const stage = (name: string, props: Record<string, unknown>, condition?: string) => ({
  Type: "AWS::ApiGateway::Stage",
  ...(condition ? { Condition: condition } : {}),
  Properties: { RestApiId: { Ref: "Api" }, DeploymentId: { Ref: "Dep" }, StageName: name, ...props },
});

describe("F1 execution log group named after the wrong value when RestApiId is a Fn::GetAtt", () => {
  // RestApiId: !GetAtt ApiStack.Outputs.RestApiId (API in a nested stack). The macro reads the logical id
  // and writes {Ref: ApiStack} into the name: Ref of a nested stack is the stack ARN, so LogGroupName is
  // "API-Gateway-Execution-Logs_arn:aws:cloudformation:.../prod" -- invalid (":"), CREATE_FAILED, and
  // the stage DependsOn it, so the whole deploy fails where the input deployed.
  const t = {
    Resources: {
      ApiStack: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/b/api.yaml" } },
      Dep: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { "Fn::GetAtt": ["ApiStack", "Outputs.RestApiId"] } } },
      S: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { "Fn::GetAtt": ["ApiStack", "Outputs.RestApiId"] }, DeploymentId: { Ref: "Dep" }, StageName: "prod", MethodSettings: INFO } },
    },
  };
  test("no added resource refers to the nested stack by Ref", () => {
    const out = run(t, { forwarderArn: FWD, subscribeToExecutionLogs: true, stackName: "st" }, { stackResources: { ApiStack: "arn:aws:cloudformation:us-east-1:123456789012:stack/st-ApiStack-1X/abc" } });
    expect(out.ok).toBe(true);
    const added = ofType(out.fragment, "AWS::Logs::LogGroup");
    expect(JSON.stringify(added)).not.toContain('{"Ref":"ApiStack"}');
  });
});

describe("F2 execution log group of an API whose id is a template Parameter is declared although it exists", () => {
  // RestApiId: !Ref ApiId (a String parameter, value known to the macro). The group
  // API-Gateway-Execution-Logs_abc123/prod exists in the account, yet the macro declares it
  // (it looks the parameter up among the stack's resources, finds nothing, and thinks the API is new):
  // CloudFormation fails with "already exists".
  const t = {
    Parameters: { ApiId: { Type: "String" } },
    Resources: { S: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "ApiId" }, DeploymentId: "dep1", StageName: "prod", MethodSettings: INFO } } },
  };
  const options = { templateParameterValues: { ApiId: "abc123" }, logGroups: { "API-Gateway-Execution-Logs_abc123/prod": [] } };
  test("an existing group is not declared again", () => {
    const out = run(t, { forwarderArn: FWD, subscribeToExecutionLogs: true, stackName: "st" }, options);
    expect(out.ok).toBe(true);
    expect(ofType(out.fragment, "AWS::Logs::LogGroup")).toEqual([]);
  });
  test("stackName is not demanded for an API that is not a resource of the template", () => {
    const out = run(t, { forwarderArn: FWD, subscribeToExecutionLogs: true }, options);
    expect(out.errors).toEqual([]);
  });
});

describe("F3 SAM implicit API: the execution log group ignores the Condition SAM gives ServerlessRestApi", () => {
  // When every function with an implicit Api event has Condition C1, SAM gives ServerlessRestApi
  // Condition C1 (ImplicitApiPlugin._maybe_add_condition_to_implicit_api). The macro's group
  // Fn::Join [.., Ref ServerlessRestApi, ..] is unconditional: cfn-lint W1001, and CloudFormation rejects
  // the template when C1 is false ("Unresolved resource dependencies [ServerlessRestApi]").
  const t = {
    Transform: "AWS::Serverless-2016-10-31",
    Parameters: { Env: { Type: "String", Default: "dev" } },
    Conditions: { C1: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
    Globals: { Api: { MethodSettings: INFO } },
    Resources: {
      Fn: { Type: "AWS::Serverless::Function", Condition: "C1", Properties: { Runtime: "python3.12", Handler: "a.b", CodeUri: "s3://bucket/k", FunctionName: "fn", Events: { E: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } },
    },
  };
  test("whatever refers to ServerlessRestApi carries C1", () => {
    const out = run(t, { forwarderArn: FWD, addLayers: false, subscribeToExecutionLogs: true, stackName: "st" });
    expect(out.ok).toBe(true);
    const referring = Object.entries<any>((out.fragment as any).Resources).filter(([, r]) => JSON.stringify(r).includes('"Ref":"ServerlessRestApi"'));
    expect(referring.length).toBeGreaterThan(0);
    for (const [, r] of referring) expect(r.Condition).toBe("C1");
  });
});

describe("F4 a shared access log group is subscribed only under the first stage's Condition", () => {
  // S1 (Condition C1) and S2 (no condition) log to the same literal group. One filter is made, carrying
  // C1; S2's subscription is deduplicated against it. Where C1 is false, /shared is not forwarded at all.
  const t = {
    Conditions: { C1: { "Fn::Equals": ["a", "b"] } },
    Resources: restApi({
      S1: stage("a", { AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shared", Format: "x" } }, "C1"),
      S2: stage("b", { AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shared", Format: "x" } }),
    }),
  };
  test("the group is forwarded whenever S2 exists", () => {
    const out = run(t, { forwarderArn: FWD }, { logGroups: { "/shared": [] } });
    const filters = filtersOn(out.fragment, "/shared");
    expect(filters.some((f) => f.Condition === undefined)).toBe(true);
  });
  test("same with forwardLogGroups naming the group explicitly (unconditional request)", () => {
    const t2 = { ...t, Resources: restApi({ S1: (t.Resources as any).S1 }) };
    const out = run(t2, { forwarderArn: FWD, forwardLogGroups: ["/shared"] }, { logGroups: { "/shared": [] } });
    const filters = filtersOn(out.fragment, "/shared");
    expect(filters.some((f) => f.Condition === undefined)).toBe(true);
  });
});

describe("F5 mutually exclusive stages with one stage name: the second stage's execution logs are dropped", () => {
  // StageA (IsProd) and StageB (NotProd) both create stage "live" of Api. The group is declared once with
  // Condition IsProd; StageB gets no group, no filter, no DependsOn: never forwarded where NotProd.
  const t = {
    Parameters: { Env: { Type: "String" } },
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] }, NotProd: { "Fn::Not": [{ Condition: "IsProd" }] } },
    Resources: restApi({ StageA: stage("live", { MethodSettings: INFO }, "IsProd"), StageB: stage("live", { MethodSettings: INFO }, "NotProd") }),
  };
  test("some filter exists when NotProd holds", () => {
    const out = run(t, { forwarderArn: FWD, subscribeToExecutionLogs: true, stackName: "st" });
    expect(out.ok).toBe(true);
    const filters = ofType(out.fragment, "AWS::Logs::SubscriptionFilter");
    expect(filters.some((f) => f.Condition !== "IsProd")).toBe(true);
  });
});

describe("F6 forwardLogGroups filter names collide across stacks", () => {
  // The filter on a group given by name is named after the group only ("datadog-serverless-macro-SharedBatchJobs"),
  // with no stack identity. Stack b, deployed after stack a forwarded the same group, reads a's filter as its
  // own (isOurs) and declares a filter with the same name on the same group: CloudFormation fails with
  // "already exists" (the very failure ce94229 fixed for functions' shared groups).
  test("stack b does not declare a filter named like stack a's", () => {
    const t = { Resources: { Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: {} } } } };
    const a = run(t, { forwarderArn: FWD, forwardLogGroups: ["/shared/batch-jobs"], stackName: "a" }, { logGroups: { "/shared/batch-jobs": [] } });
    const aFilter = ofType(a.fragment, "AWS::Logs::SubscriptionFilter")[0];
    expect(aFilter).toBeDefined();
    const account = { "/shared/batch-jobs": [{ filterName: aFilter.Properties.FilterName, destinationArn: FWD }] };
    const b = run(t, { forwarderArn: FWD, forwardLogGroups: ["/shared/batch-jobs"], stackName: "b" }, { logGroups: account });
    const bNames = ofType(b.fragment, "AWS::Logs::SubscriptionFilter").map((f) => f.Properties.FilterName);
    expect(bNames).not.toContain(aFilter.Properties.FilterName);
  });
});

describe("F7 access log destination built with Fn::Sub ${AWS::StackName} is not matched to the template's own group", () => {
  // The template declares LogGroupName !Sub /api/${AWS::StackName}-access and the stage logs to
  // !Sub arn:...:log-group:/api/${AWS::StackName}-access. Without `stackName` the macro gives up (W301)
  // although the group is the template's; functionLogTarget handles the same case via groupByName.
  test("subscribed without stackName", () => {
    const t = {
      Resources: restApi({
        AccessLogs: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::Sub": "/api/${AWS::StackName}-access" } } },
        S: stage("a", { AccessLogSetting: { DestinationArn: { "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/api/${AWS::StackName}-access" }, Format: "x" } }),
      }),
    };
    const out = run(t, { forwarderArn: FWD });
    expect(out.warnings).toEqual([]);
    expect(filtersOn(out.fragment, { Ref: "AccessLogs" }).length).toBe(1);
  });
});
