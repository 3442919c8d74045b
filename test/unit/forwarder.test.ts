import { FILTER_NAME, filterNameFor, OWNED_GROUP_FILTER } from "../../src/forwarder/subscriptions";
import { instrument, lambda, run, template } from "../helpers/macro";

const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder";
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
