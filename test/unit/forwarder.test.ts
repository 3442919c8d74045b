import { FILTER_NAME, filterNameFor, OWNED_GROUP_FILTER } from "../../src/forwarder/subscriptions";
import { instrument, lambda, run, template } from "../helpers/macro";
import { FORWARDER } from "../helpers/builders";

const params = { addLayers: false, forwarderArn: FORWARDER };
const named = (name: string, extra: Record<string, unknown> = {}) => lambda({ Runtime: "python3.12", Handler: "a.b", FunctionName: name, ...extra });
const unnamed = () => lambda({ Runtime: "python3.12", Handler: "a.b" });
const ours = (name = FILTER_NAME) => ({ filterName: name, destinationArn: FORWARDER });

function subscriptionsOf(resources: Record<string, any>) {
  return Object.entries(resources).filter(([, r]) => r.Type === "AWS::Logs::SubscriptionFilter");
}

describe("Lambda log subscriptions", () => {
  test("a group that does not exist yet is declared (retained, with retention) and subscribed", () => {
    const out = instrument(template({ F: named("orders") }), params);
    expect(out.FLogGroup).toEqual({
      Type: "AWS::Logs::LogGroup",
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { LogGroupName: "/aws/lambda/orders", RetentionInDays: 30 },
    });
    expect(out.FDatadogSubscription).toEqual({
      Type: "AWS::Logs::SubscriptionFilter",
      Properties: { DestinationArn: FORWARDER, FilterPattern: "", FilterName: OWNED_GROUP_FILTER, LogGroupName: { Ref: "FLogGroup" } },
    });
  });

  test("an existing group is subscribed by name and not declared", () => {
    const out = instrument(template({ F: named("orders") }), params, { logGroups: { "/aws/lambda/orders": [] } });
    expect(out.FLogGroup).toBeUndefined();
    expect(out.FDatadogSubscription.Properties).toEqual({ DestinationArn: FORWARDER, FilterPattern: "", FilterName: filterNameFor("F"), LogGroupName: "/aws/lambda/orders" });
  });

  test("redeploys are stable: the groups and filters of the first deploy give the same template", () => {
    const fragment = template({ F: named("orders"), G: named("existing") });
    const first = instrument(fragment, params, { logGroups: { "/aws/lambda/existing": [] } });
    const second = instrument(fragment, params, { logGroups: { "/aws/lambda/orders": [ours(OWNED_GROUP_FILTER)], "/aws/lambda/existing": [ours(filterNameFor("G"))] } });
    expect(second).toEqual(first);
  });

  test("a filter an older macro version made keeps its name (no replacement on upgrade)", () => {
    const out = instrument(template({ G: named("existing") }), params, { logGroups: { "/aws/lambda/existing": [ours(FILTER_NAME)] } });
    expect(out.GDatadogSubscription.Properties.FilterName).toBe(FILTER_NAME);
  });

  test("a group shared with another stack (LoggingConfig) that already subscribed it is left alone, not subscribed under the same name", () => {
    const shared = (id: string) => named(id, { LoggingConfig: { LogGroup: "/shared/app" } });
    const outcome = run(template({ Mine: shared("mine") }), params, { logGroups: { "/shared/app": [ours(filterNameFor("TheirFn"))] } });
    expect(subscriptionsOf((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(/W304\] Mine: its log group already forwards to .* through filter "datadog-serverless-macro-TheirFn"/);
  });

  test("skips a group that already forwards to the same destination under another name", () => {
    const outcome = run(template({ F: named("orders") }), params, {
      logGroups: { "/aws/lambda/orders": [{ filterName: "datadog-serverless-macro-filter", destinationArn: FORWARDER }] },
    });
    expect(subscriptionsOf((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(/F: its log group already forwards to .* through filter "datadog-serverless-macro-filter"/);
  });

  test("skips, with a warning, a group whose two filters go elsewhere", () => {
    const others = [1, 2].map((n) => ({ filterName: `other${n}`, destinationArn: `arn:aws:lambda:us-east-1:1:function:x${n}` }));
    const outcome = run(template({ F: named("orders") }), params, { logGroups: { "/aws/lambda/orders": others } });
    expect(subscriptionsOf((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(/F: its log group already has 2 subscription filters/);
    expect(run(template({ F: named("orders") }), params, { logGroups: { "/aws/lambda/orders": others.slice(1) } }).warnings).toEqual([]);
  });

  test("a function without FunctionName needs stackName; the error gives both fixes", () => {
    const outcome = run(template({ A: unnamed(), B: unnamed(), C: named("c") }), params);
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toEqual([expect.stringMatching(/log groups of A, B must be found, but those functions have no FunctionName.*`stackName: !Ref AWS::StackName`.*or give each function a `FunctionName`/)]);
  });

  test("with stackName, an unnamed function's group is found by its generated name, or declared with Fn::Sub", () => {
    const fragment = template({ Api: unnamed() });
    const fresh = instrument(fragment, { ...params, stackName: "shop" });
    expect(fresh.ApiLogGroup.Properties.LogGroupName).toEqual({ "Fn::Sub": "/aws/lambda/${Api}" });
    const existing = instrument(fragment, { ...params, stackName: "shop" }, { logGroups: { "/aws/lambda/shop-Api-AbCdEfGh1234": [] } });
    expect(existing.ApiLogGroup).toBeUndefined();
    expect(existing.ApiDatadogSubscription.Properties.LogGroupName).toEqual({ "Fn::Sub": "/aws/lambda/${Api}" });
    // Another function's group with a longer logical id is not taken for this one.
    const other = instrument(fragment, { ...params, stackName: "shop" }, { logGroups: { "/aws/lambda/shop-ApiV2-AbCdEfGh1234": [] } });
    expect(other.ApiLogGroup).toBeDefined();
  });

  test("subscribes a group declared in the template: LoggingConfig reference, or /aws/lambda/${Fn} by Sub or Join", () => {
    const group = (name: unknown) => ({ Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: name } });
    const out = instrument(
      template({
        A: lambda({ Runtime: "python3.12", Handler: "a.b", LoggingConfig: { LogGroup: { Ref: "Shared" } } }),
        Shared: group("/app/shared"),
        B: unnamed(),
        BLogs: group({ "Fn::Sub": "/aws/lambda/${B}" }),
        C: unnamed(),
        CLogs: group({ "Fn::Join": ["", ["/aws/lambda/", { Ref: "C" }]] }),
      }),
      params,
    );
    expect(out.ADatadogSubscription.Properties.LogGroupName).toEqual({ Ref: "Shared" });
    expect(out.BDatadogSubscription.Properties.LogGroupName).toEqual({ Ref: "BLogs" });
    expect(out.CDatadogSubscription.Properties.LogGroupName).toEqual({ Ref: "CLogs" });
    expect(subscriptionsOf(out)).toHaveLength(3);
  });

  test("functions sharing a log group get one filter; a filter the template already has is enough", () => {
    const shared = { LoggingConfig: { LogGroup: "/app/shared" } };
    const out = instrument(template({ A: named("a", shared), B: named("b", shared) }), params);
    expect(subscriptionsOf(out).map(([id]) => id)).toEqual(["ADatadogSubscription"]);
    expect(out.ALogGroup.Properties.LogGroupName).toBe("/app/shared");

    const userFilter = { Type: "AWS::Logs::SubscriptionFilter", Properties: { LogGroupName: "/aws/lambda/orders", DestinationArn: FORWARDER, FilterPattern: "" } };
    const withFilter = instrument(template({ F: named("orders"), Mine: userFilter }), params);
    expect(subscriptionsOf(withFilter).map(([id]) => id)).toEqual(["Mine"]);
  });

  test("excluded functions and skipped images get no subscription; images are subscribed by default", () => {
    const image = { Type: "AWS::Lambda::Function", Properties: { PackageType: "Image", Role: "arn:aws:iam::1:role/r", Code: { ImageUri: "x" }, FunctionName: "img" } };
    const out = instrument(template({ F: named("orders"), I: image }), { ...params, exclude: "F", instrumentContainerImages: false });
    expect(subscriptionsOf(out)).toEqual([]);
    const byDefault = instrument(template({ I: image }), params);
    expect(subscriptionsOf(byDefault).map(([id]) => id)).toEqual(["IDatadogSubscription"]);
  });

  test("adds service, env, version and tags as resource tags, splitting pairs on their first colon only", () => {
    const out = instrument(template({ F: named("orders", { Tags: [{ Key: "env", Value: "mine" }] }) }), {
      ...params,
      service: "shop",
      env: "prod",
      version: "2",
      tags: "team:core,url:https://example.com",
    });
    expect(out.F.Properties.Tags).toEqual([
      { Key: "env", Value: "mine" },
      { Key: "service", Value: "shop" },
      { Key: "version", Value: "2" },
      { Key: "team", Value: "core" },
      { Key: "url", Value: "https://example.com" },
      { Key: "dd_sls_macro", Value: "v9.9.9" },
    ]);
  });

  test("logRetentionInDays sets the retention of created groups; 0 keeps logs forever", () => {
    expect(instrument(template({ F: named("o") }), { ...params, logRetentionInDays: 90 }).FLogGroup.Properties.RetentionInDays).toBe(90);
    expect(instrument(template({ F: named("o") }), { ...params, logRetentionInDays: 0 }).FLogGroup.Properties.RetentionInDays).toBeUndefined();
    expect(run(template({ F: named("o") }), { ...params, logRetentionInDays: 8 }).errors[0]).toMatch(/logRetentionInDays/);
  });

  test("transforming the output again changes nothing", () => {
    const fragment = template({ F: named("orders"), G: named("existing"), H: unnamed() });
    const options = { logGroups: { "/aws/lambda/existing": [] } };
    const once = run(fragment, { ...params, stackName: "shop" }, options);
    const twice = run(once.fragment, { ...params, stackName: "shop" }, options);
    expect(twice.fragment).toEqual(once.fragment);
  });
});

describe("log groups named through the function", () => {
  const group = (name: unknown) => ({ Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: name, RetentionInDays: 7 } });
  const logGroups = (resources: Record<string, any>) => Object.keys(resources).filter((id) => resources[id].Type === "AWS::Logs::LogGroup");
  const subscribedGroup = (resources: Record<string, any>) => subscriptionsOf(resources).map(([, r]) => r.Properties.LogGroupName);

  test.each([
    ["Fn::Sub", { "Fn::Sub": "/aws/lambda/${F}" }],
    ["Fn::Join", { "Fn::Join": ["", ["/aws/lambda/", { Ref: "F" }]] }],
    ["Fn::Join with a Sub part", { "Fn::Join": ["/", ["/aws/lambda", { "Fn::Sub": "${F}" }]] }],
    ["Fn::Sub with a variable map", { "Fn::Sub": ["/aws/lambda/${Name}", { Name: { Ref: "F" } }] }],
  ])("a group declared with %s over a named function is that function's group: subscribed, not declared again", (_, name) => {
    const out = instrument(template({ F: named("orders-worker"), FGroup: group(name) }), params);
    expect(logGroups(out)).toEqual(["FGroup"]);
    expect(subscribedGroup(out)).toEqual([{ Ref: "FGroup" }]);
  });

  test("a FunctionName given by a template parameter resolves before groups are compared", () => {
    const fragment = template(
      { F: named({ Ref: "WorkerName" } as unknown as string), FGroup: group({ "Fn::Sub": "/aws/lambda/${F}" }) },
      { Parameters: { WorkerName: { Type: "String", Default: "orders-worker" } } },
    );
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual(["FGroup"]);
    expect(subscribedGroup(out)).toEqual([{ Ref: "FGroup" }]);
  });

  test("a FunctionName built from the stack name matches the group built from the function, without stackName", () => {
    const fragment = template({ F: named({ "Fn::Sub": "${AWS::StackName}-worker" } as unknown as string), FGroup: group({ "Fn::Join": ["", ["/aws/lambda/", { Ref: "F" }]] }) });
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual(["FGroup"]);
    expect(subscribedGroup(out)).toEqual([{ Ref: "FGroup" }]);
  });

  test("a literal group name matches a function whose name is written through another intrinsic", () => {
    const fragment = template({ F: named({ "Fn::Join": ["-", ["orders", "worker"]] } as unknown as string), FGroup: group("/aws/lambda/orders-worker") });
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual(["FGroup"]);
  });

  test("LoggingConfig.LogGroup written through another function's name is that function's declared group", () => {
    const fragment = template({
      A: named("orders-worker"),
      B: named("orders-helper", { LoggingConfig: { LogGroup: { "Fn::Sub": "/aws/lambda/${A}" } } }),
      AGroup: group("/aws/lambda/orders-worker"),
    });
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual(["AGroup"]);
    // One group, one filter: both functions log to it.
    expect(subscribedGroup(out)).toEqual([{ Ref: "AGroup" }]);
  });

  test("the user's own filter on a group named through the function reads as already forwarding", () => {
    const fragment = template({
      F: named("orders-worker"),
      FGroup: group({ "Fn::Sub": "/aws/lambda/${F}" }),
      Mine: { Type: "AWS::Logs::SubscriptionFilter", Properties: { DestinationArn: FORWARDER, FilterPattern: "", LogGroupName: { "Fn::Sub": "/aws/lambda/${F}" } } },
    });
    const outcome = run(fragment, params);
    expect(outcome.ok).toBe(true);
    expect(subscriptionsOf((outcome.fragment as any).Resources).map(([id]) => id)).toEqual(["Mine"]);
  });

  test("a CDK log retention over a named function creates that function's group: the filter waits for it", () => {
    const fragment = template({
      F: named("orders-worker"),
      FLogRetention: { Type: "Custom::LogRetention", Properties: { ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:x", LogGroupName: { "Fn::Join": ["", ["/aws/lambda/", { Ref: "F" }]] }, RetentionInDays: 7 } },
    });
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual([]);
    const [[, filter]] = subscriptionsOf(out);
    expect(filter.DependsOn).toBe("FLogRetention");
  });

  test("a state machine logging to a group named through a function finds the declared group", () => {
    const fragment = template({
      F: named("orders-worker"),
      FGroup: group({ "Fn::Sub": "/aws/lambda/${F}" }),
      M: {
        Type: "AWS::StepFunctions::StateMachine",
        Properties: {
          RoleArn: { "Fn::GetAtt": ["Role", "Arn"] },
          Definition: { StartAt: "A", States: { A: { Type: "Pass", End: true } } },
          LoggingConfiguration: { Level: "ALL", IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::Sub": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${F}:*" } } }] },
        },
      },
    });
    const out = instrument(fragment, { ...params, stepFunctionForwarderArn: FORWARDER });
    expect(logGroups(out)).toEqual(["FGroup"]);
    expect(subscribedGroup(out)).toEqual([{ Ref: "FGroup" }]);
  });

  test("an access log destination written through a function's name is the declared group", () => {
    const fragment = template({
      F: named("orders-worker"),
      FGroup: group({ "Fn::Sub": "/aws/lambda/${F}" }),
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "a" } },
      Stage: {
        Type: "AWS::ApiGateway::Stage",
        Properties: { RestApiId: { Ref: "Api" }, StageName: "prod", DeploymentId: "d", AccessLogSetting: { DestinationArn: { "Fn::Sub": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${F}" }, Format: "$context.requestId" } },
      },
    });
    const out = instrument(fragment, params);
    expect(logGroups(out)).toEqual(["FGroup"]);
    expect(subscribedGroup(out)).toEqual([{ Ref: "FGroup" }]);
  });

  test("the output is stable on a second run", () => {
    const fragment = template({ F: named("orders-worker"), FGroup: group({ "Fn::Sub": "/aws/lambda/${F}" }) });
    const first = run(fragment, params);
    const second = run(first.fragment, params);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
  });
});

describe("log groups the template names under a Condition", () => {
  test("a group that may take the function's group name under a Condition is not declared again: W301 says why", () => {
    const fragment = template({
      F: named("orders-worker"),
      Maybe: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::If": ["Custom", "/aws/lambda/orders-worker", "/custom/orders"] } } },
    }, { Conditions: { Custom: { "Fn::Equals": ["a", "b"] } } });
    const outcome = run(fragment, params);
    expect(outcome.ok).toBe(true);
    const resources = (outcome.fragment as any).Resources;
    expect(Object.keys(resources).filter((id) => resources[id].Type === "AWS::Logs::LogGroup")).toEqual(["Maybe"]);
    expect(outcome.warnings.join("\n")).toMatch(/\[W301\] F: its log group's name \(a LogGroup of the template is named so under a Condition\) cannot be resolved/);
  });
});
