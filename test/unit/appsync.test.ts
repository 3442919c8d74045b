/** AppSync GraphQL APIs: X-Ray (`enableXrayTracing`) and their log group to the forwarder (`subscribeToAppSyncLogs`). */
import { appSyncApiId } from "../../src/forwarder/appsync-groups";
import { offlineAccountView, type AccountView } from "../../src/lookup/account-view";
import { transformWithLookups } from "../../src/transform";
import { FORWARDER } from "../helpers/builders";
import { instrument, jsonCopy, REGION, run, template, VERSION, type RunOptions } from "../helpers/macro";

const params = { forwarderArn: FORWARDER, stackName: "shop" };
const API_ARN = "arn:aws:appsync:us-east-1:123456789012:apis/p3kzq7m2vbdrlnx4ycw6e5aht";
const GROUP = "/aws/appsync/apis/p3kzq7m2vbdrlnx4ycw6e5aht";
const BY_SUB = { "Fn::Sub": "/aws/appsync/apis/${Graph.ApiId}" };
const ROLE_ARN = { "Fn::GetAtt": ["Role", "Arn"] };

const graphApi = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Type: "AWS::AppSync::GraphQLApi",
  ...extra,
  Properties: { Name: "shop", AuthenticationType: "API_KEY", LogConfig: { CloudWatchLogsRoleArn: ROLE_ARN, FieldLogLevel: "ERROR" }, ...properties },
});
const samGraphApi = (properties: Record<string, unknown> = {}) => ({ Type: "AWS::Serverless::GraphQLApi", Properties: { SchemaInline: "type Query { ping: String }", Auth: { Type: "API_KEY" }, ...properties } });
const ofType = (resources: Record<string, any>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const groups = (resources: Record<string, any>) => ofType(resources, "AWS::Logs::LogGroup").map(([id, resource]) => ({ id, ...resource }));
const filters = (resources: Record<string, any>) => ofType(resources, "AWS::Logs::SubscriptionFilter").map(([id, resource]) => ({ id, ...resource.Properties }));
/** The account after a first deploy: the API exists, and its group with what the given filters. */
const deployed = (filterNames: string[] | undefined, destination = FORWARDER): RunOptions => ({
  stackResources: { Graph: API_ARN },
  logGroups: filterNames === undefined ? {} : { [GROUP]: filterNames.map((filterName) => ({ filterName, destinationArn: destination })) },
});

describe("AppSync X-Ray", () => {
  test("enableXrayTracing sets XrayEnabled where it is unset, before and after SAM", () => {
    const out = instrument(template({ Graph: graphApi({ LogConfig: undefined }), Sam: samGraphApi() }), { enableXrayTracing: true });
    expect(out.Graph.Properties.XrayEnabled).toBe(true);
    expect(out.Sam.Properties.XrayEnabled).toBe(true);
  });

  test.each([
    ["false", false],
    ["true", true],
    ["an intrinsic", { Ref: "Tracing" }],
  ])("a value the user set (%s) is kept", (_shown, value) => {
    const input = template({ Graph: graphApi({ XrayEnabled: value }) }, { Parameters: { Tracing: { Type: "String", AllowedValues: ["true", "false"] } } });
    const outcome = run(input, { enableXrayTracing: true });
    expect(outcome.ok).toBe(true);
    expect((outcome.fragment as any).Resources.Graph).toEqual((input.Resources as any).Graph);
  });

  test("without enableXrayTracing nor a forwarder, the template comes back as it was", () => {
    const input = template({ Graph: graphApi() });
    expect(run(input, {}).fragment).toBe(input);
  });

  test("the summary lists traced APIs, not those the user keeps untraced", () => {
    const outcome = run(template({ Graph: graphApi({ LogConfig: undefined }), Off: graphApi({ LogConfig: undefined, XrayEnabled: false }) }), { enableXrayTracing: true });
    expect(outcome.instrumented).toEqual(["Graph"]);
    expect((outcome.fragment as any).Metadata.DatadogServerless.instrumented).toEqual(["Graph"]);
  });
});

describe("AppSync logs to the forwarder", () => {
  test("a new API's group is declared by Fn::Sub over its ApiId (after the API), retained, and subscribed", () => {
    const out = instrument(template({ Graph: graphApi() }), params);
    expect(groups(out)).toEqual([
      { id: "GraphLogGroup", Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { LogGroupName: BY_SUB, RetentionInDays: 30 } },
    ]);
    expect(filters(out)).toEqual([
      { id: "GraphDatadogSubscription", DestinationArn: FORWARDER, FilterPattern: "", FilterName: "datadog-serverless-macro-stack-group", LogGroupName: { Ref: "GraphLogGroup" } },
    ]);
    // Logs alone change nothing on the API itself.
    expect(out.Graph).toEqual(graphApi());
  });

  test.each([
    [0, undefined],
    [1, 1],
    [3653, 3653],
  ])("logRetentionInDays %s sets the declared group's retention", (days, expected) => {
    const out = instrument(template({ Graph: graphApi() }), { ...params, logRetentionInDays: days });
    expect(groups(out)[0].Properties.RetentionInDays).toBe(expected);
  });

  test("an API without LogConfig writes no logs: nothing is added", () => {
    const input = template({ Graph: graphApi({ LogConfig: undefined }) });
    const outcome = run(input, params);
    expect(outcome.fragment).toBe(input);
    expect(outcome.instrumented).toEqual([]);
  });

  test("subscribeToAppSyncLogs: false leaves the logs alone (and needs no stackName)", () => {
    const input = template({ Graph: graphApi() });
    const outcome = run(input, { forwarderArn: FORWARDER, subscribeToAppSyncLogs: false });
    expect(outcome.ok).toBe(true);
    expect(outcome.fragment).toBe(input);
  });

  test("without stackName, an API that logs fails the transform with E304, naming it and the parameter", () => {
    const outcome = run(template({ Graph: graphApi() }), { forwarderArn: FORWARDER });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatch(/^\[E304\] With `subscribeToAppSyncLogs`, the log group of Graph must be found, but AppSync names it/);
  });

  test("an existing API whose group AppSync created is subscribed by name, not declared", () => {
    const out = instrument(template({ Graph: graphApi() }), params, deployed([]));
    expect(groups(out)).toEqual([]);
    expect(filters(out)).toEqual([{ id: "GraphDatadogSubscription", DestinationArn: FORWARDER, FilterPattern: "", FilterName: "datadog-serverless-macro-Graph", LogGroupName: BY_SUB }]);
  });

  test("an existing API without its group yet (no logged request) gets it declared", () => {
    const first = instrument(template({ Graph: graphApi() }), params);
    expect(instrument(template({ Graph: graphApi() }), params, deployed(undefined))).toEqual(first);
  });

  test("a redeploy declares the group the stack made, identically, byte for byte", () => {
    const first = run(template({ Graph: graphApi() }), params);
    const again = run(template({ Graph: graphApi() }), params, deployed(["datadog-serverless-macro-stack-group"]));
    expect(JSON.stringify(again.fragment)).toBe(JSON.stringify(first.fragment));
  });

  test("a group already forwarding to the forwarder under another filter gets no second one (W304)", () => {
    const outcome = run(template({ Graph: graphApi() }), params, deployed(["by-hand"]));
    expect(outcome.warnings.join("\n")).toMatch(/\[W304\] Graph/);
    expect(filters((outcome.fragment as any).Resources)).toEqual([]);
  });

  test("a group with two filters going elsewhere is left alone (W305)", () => {
    const elsewhere = "arn:aws:lambda:us-east-1:123456789012:function:audit";
    const outcome = run(template({ Graph: graphApi() }), params, { stackResources: { Graph: API_ARN }, logGroups: { [GROUP]: [{ filterName: "a", destinationArn: elsewhere }, { filterName: "b", destinationArn: elsewhere }] } });
    expect(outcome.warnings.join("\n")).toMatch(/\[W305\] Graph/);
  });

  test("a group the template declares itself is subscribed through it, not declared twice", () => {
    const mine = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: BY_SUB, RetentionInDays: 90 } };
    const out = instrument(template({ Graph: graphApi(), GraphLogs: mine }), params);
    expect(groups(out).map((group) => group.id)).toEqual(["GraphLogs"]);
    expect(filters(out).map((filter) => filter.LogGroupName)).toEqual([{ Ref: "GraphLogs" }]);
  });

  test("the API's Condition is carried by its group and subscription", () => {
    const out = instrument(template({ Graph: graphApi({}, { Condition: "WithApi" }) }, { Conditions: { WithApi: { "Fn::Equals": ["a", "a"] } } }), params);
    expect(Object.values(out).filter((resource: any) => resource.Type.startsWith("AWS::Logs::")).map((resource: any) => resource.Condition)).toEqual(["WithApi", "WithApi"]);
  });

  test("an intrinsic LogConfig: W308, nothing subscribed", () => {
    const input = template({ Graph: graphApi({ LogConfig: { "Fn::If": ["Logs", { FieldLogLevel: "ALL" }, { Ref: "AWS::NoValue" }] } }) }, { Conditions: { Logs: { "Fn::Equals": ["a", "a"] } } });
    const outcome = run(input, params);
    expect(outcome.warnings).toEqual([expect.stringMatching(/^\[W308\] Graph: its LogConfig is an intrinsic function/)]);
    expect(groups((outcome.fragment as any).Resources)).toEqual([]);
  });

  test("an API the stack knows by an id that is not an AppSync ARN: W301, nothing subscribed", () => {
    const outcome = run(template({ Graph: graphApi() }), params, { stackResources: { Graph: "arn:aws:lambda:us-east-1:123456789012:function:x" } });
    expect(outcome.warnings).toEqual([expect.stringMatching(/^\[W301\] Graph: its API id/)]);
    expect(filters((outcome.fragment as any).Resources)).toEqual([]);
  });

  test.each([
    ["absent (SAM logs at ALL by default)", undefined, true],
    ["true", true, true],
    ["a map", { FieldLogLevel: "ERROR" }, true],
    ["false", false, false],
  ])("before SAM, Logging %s", (_shown, logging, forwarded) => {
    const out = instrument(template({ Graph: samGraphApi(logging === undefined ? {} : { Logging: logging }) }), params);
    expect(filters(out)).toHaveLength(forwarded ? 1 : 0);
    if (forwarded) expect(groups(out)[0].Properties.LogGroupName).toEqual(BY_SUB);
  });

  test("exclude leaves an API alone, and the summary says so", () => {
    const input = template({ Graph: graphApi() });
    const outcome = run(input, { ...params, enableXrayTracing: true, exclude: ["Graph"] });
    expect((outcome.fragment as any).Resources.Graph).toEqual(graphApi());
    expect(groups((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.skipped).toEqual([{ logicalId: "Graph", reason: "listed in `exclude`" }]);
    expect(outcome.warnings.join("\n")).not.toMatch(/W003|EXCLUDE/);
  });

  test("an API whose Properties is an intrinsic function is skipped", () => {
    const outcome = run(template({ Graph: { Type: "AWS::AppSync::GraphQLApi", Properties: { "Fn::If": ["C", {}, {}] } } }), { ...params, enableXrayTracing: true });
    expect(outcome.ok).toBe(true);
    expect(outcome.skipped.map((skip) => skip.logicalId)).toEqual(["Graph"]);
  });

  test("a second run on the output changes nothing, byte for byte, summary included", () => {
    const all = { ...params, enableXrayTracing: true };
    const first = run(template({ Graph: graphApi(), Sam: samGraphApi() }), all);
    const second = run(jsonCopy(first.fragment), all);
    expect(first.instrumented).toEqual(["Graph", "Sam"]);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
  });
});

describe("AppSync lookups", () => {
  const lookUp = (fragment: unknown, view: AccountView) =>
    transformWithLookups({ fragment, params, region: REGION, accountId: "123456789012", templateParameterValues: {}, env: {}, macroVersion: VERSION }, () => view);

  test("the stack's ARN of the API gives the group to look up, which is then subscribed by name", async () => {
    const asked: string[] = [];
    const view = offlineAccountView({ [GROUP]: [] }, { Graph: API_ARN });
    const outcome = await lookUp(template({ Graph: graphApi() }), { ...view, stackResourceIds: async (stack) => (asked.push(stack), view.stackResourceIds(stack)) });
    expect(asked).toEqual(["shop"]);
    expect(filters((outcome.fragment as any).Resources).map((filter) => filter.LogGroupName)).toEqual([BY_SUB]);
    expect(groups((outcome.fragment as any).Resources)).toEqual([]);
  });

  test("an API the stack does not hold yet: its group is declared, without a log group lookup", async () => {
    const view = offlineAccountView({}, {});
    const outcome = await lookUp(template({ Graph: graphApi() }), { ...view, logGroupNames: async () => Promise.reject(new Error("no lookup expected")) });
    expect(outcome.ok).toBe(true);
    expect(groups((outcome.fragment as any).Resources).map((group) => group.Properties.LogGroupName)).toEqual([BY_SUB]);
  });
});

describe("appSyncApiId", () => {
  test.each([
    [API_ARN, "p3kzq7m2vbdrlnx4ycw6e5aht"],
    ["arn:aws-cn:appsync:cn-north-1:123456789012:apis/abc123", "abc123"],
    ["p3kzq7m2vbdrlnx4ycw6e5aht", "p3kzq7m2vbdrlnx4ycw6e5aht"],
    ["arn:aws:appsync:us-east-1:123456789012:apis/abc123/types/Query", undefined],
    ["arn:aws:lambda:us-east-1:123456789012:function:x", undefined],
    ["", undefined],
  ])("%s reads as %s", (physicalId, expected) => expect(appSyncApiId(physicalId)).toBe(expected));
});

describe("AppSync: no second log group of the same name, however the template writes it", () => {
  const appSyncParams = { forwarderArn: FORWARDER, stackName: "shop" };
  const reviewedApi = () => ({
    Type: "AWS::AppSync::GraphQLApi",
    Properties: { Name: "shop", AuthenticationType: "API_KEY", LogConfig: { CloudWatchLogsRoleArn: ROLE_ARN, FieldLogLevel: "ERROR" } },
  });
  const API_ID = { "Fn::GetAtt": ["Graph", "ApiId"] };
  /** Logical ids of the AWS::Logs::LogGroup resources of an outcome. */
  const logGroupIds = (outcome: any) => Object.entries(outcome.fragment.Resources).filter(([, r]: any) => r.Type === "AWS::Logs::LogGroup").map(([id]) => id);
  test("a user LogGroup named with Fn::Join over GetAtt ApiId is reused, not declared again", () => {
    const mine = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::Join": ["", ["/aws/appsync/apis/", API_ID]] } } };
    const outcome = run(template({ Graph: reviewedApi(), Mine: mine }), appSyncParams);
    expect(outcome.ok).toBe(true);
    expect(logGroupIds(outcome)).toEqual(["Mine"]);
  });

  test("a user LogGroup named with Fn::Sub and a variable map (GetAtt ApiId) is reused, not declared again", () => {
    const mine = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::Sub": ["/aws/appsync/apis/${Id}", { Id: API_ID }] } } };
    const outcome = run(template({ Graph: reviewedApi(), Mine: mine }), appSyncParams);
    expect(outcome.ok).toBe(true);
    expect(logGroupIds(outcome)).toEqual(["Mine"]);
  });

  test("a CDK Custom::LogRetention that creates the API's group: the macro declares no LogGroup of that name", () => {
    // What CDK's GraphqlApi writes for logConfig.retention.
    const retention = { Type: "Custom::LogRetention", Properties: { ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:lr", LogGroupName: { "Fn::Join": ["", ["/aws/appsync/apis/", API_ID]] }, RetentionInDays: 7 } };
    const outcome = run(template({ Graph: reviewedApi(), GraphLogRetention: retention }), appSyncParams);
    expect(outcome.ok).toBe(true);
    expect(logGroupIds(outcome)).toEqual([]);
  });

  test("a user LogGroup that takes the API's group name under Fn::If: the macro does not declare it too", () => {
    const mine = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::If": ["C", { "Fn::Sub": "/aws/appsync/apis/${Graph.ApiId}" }, "/other/group"] } } };
    const extra = { Parameters: { S: { Type: "String" } }, Conditions: { C: { "Fn::Equals": [{ Ref: "S" }, "a"] } } };
    const outcome = run(template({ Graph: reviewedApi(), Mine: mine }, extra), appSyncParams);
    expect(outcome.ok).toBe(true);
    // When C holds, both groups would be named /aws/appsync/apis/<id>: the deploy fails with "already exists".
    expect(logGroupIds(outcome).filter((id) => id !== "Mine" && id !== "MLogGroup")).toEqual([]);
  });
});
