/**
 * API Gateway log groups against moto_server: the real handler reads the stack (ListStackResources)
 * for the REST API's id, then CloudWatch Logs for the execution and access log groups, and decides per
 * group: declare it (new API), subscribe it by name (it exists), or leave it with a warning (it already
 * forwards, or a named access log group does not exist). The account is only read.
 *
 * The forwarder is a real (dummy) Lambda function in moto: moto's PutSubscriptionFilter rejects a
 * Lambda destination that does not exist, and CreateFunction needs an IAM role that does.
 */
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { OWNED_GROUP_FILTER, filterNameFor } from "../../src/forwarder/subscriptions";
import { respond } from "../../src/index";
import { offlineLayerView } from "../../src/lookup/account-view";
import { cloudWatchAccountView } from "../../src/lookup/cloudwatch";
import { skipUnless } from "../helpers/corpus";
import { MOTO_MISSING, logGroupsSnapshot, startMoto, useTestCredentials, type Moto } from "../helpers/moto";

const { describe: describeMoto } = skipUnless(MOTO_MISSING, "moto_server API Gateway log group tests");
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const ROLE_NAME = "datadog-forwarder-role";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const FORWARDER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:datadog-forwarder`;
const ELSEWHERE = [1, 2].map((n) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/other${n}`);
const READS = ["ListStackResources", "DescribeLogGroups", "DescribeSubscriptionFilters"];
const ACCESS_EXISTING = "/shop/api-access";
const ACCESS_MISSING = "/shop/api-access-missing";

type Resources = Record<string, any>;

/** A REST API with one stage whose methods log at INFO: API Gateway writes its execution logs. */
function restApiTemplate(extra: Resources = {}): { Resources: Resources } {
  return {
    Resources: {
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "shop" } },
      Deployment: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { Ref: "Api" } } },
      ProdStage: {
        Type: "AWS::ApiGateway::Stage",
        Properties: {
          RestApiId: { Ref: "Api" },
          DeploymentId: { Ref: "Deployment" },
          StageName: "prod",
          MethodSettings: [{ ResourcePath: "/*", HttpMethod: "*", LoggingLevel: "INFO" }],
        },
      },
      ...extra,
    },
  };
}

const executionGroup = (apiId: string) => `API-Gateway-Execution-Logs_${apiId}/prod`;

/** A LogGroupName as CloudFormation would resolve it, `Ref Api` being `apiId`. */
function resolveName(value: unknown, apiId: string): unknown {
  if (typeof value === "string") return value;
  const v = value as any;
  if (v?.Ref === "Api") return apiId;
  if (Array.isArray(v?.["Fn::Join"])) return v["Fn::Join"][1].map((part: unknown) => resolveName(part, apiId)).join(v["Fn::Join"][0]);
  if (typeof v?.["Fn::Sub"] === "string") return v["Fn::Sub"].replace("${Api}", apiId);
  return value;
}

describeMoto("API Gateway log groups against moto_server", () => {
  let moto: Moto;
  let cloudformation: CloudFormationClient;
  /** Physical ids of the stacks' RestApi `Api`, by stack name. */
  const apiIds: Record<string, string> = {};
  /** The log groups this suite created: the account must hold exactly these after every transform. */
  const created: string[] = [];

  const logs = (target: string, body: unknown) => moto.call(`Logs_20140328.${target}`, body);
  const group = async (name: string) => {
    await logs("CreateLogGroup", { logGroupName: name });
    created.push(name);
  };
  const filter = (group: string, filterName: string, destinationArn: string) =>
    logs("PutSubscriptionFilter", { logGroupName: group, filterName, filterPattern: "", destinationArn, roleArn: ROLE });

  /** A request to moto for a service the helper's `call` does not route (IAM's query API, Lambda's REST API). */
  async function raw(service: string, path: string, contentType: string, body: string): Promise<string> {
    const response = await fetch(`${moto.endpoint}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": contentType,
        Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${service} ${path}: ${response.status} ${text}`);
    return text;
  }

  /** A stack holding a RestApi of logical id `Api`, as CloudFormation (moto's) created it; returns the API's id. */
  async function stackWithApi(stackName: string): Promise<string> {
    await cloudformation.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify({ Resources: { Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: stackName } } } }) }),
    );
    const { StackResourceSummaries = [] } = await cloudformation.send(new ListStackResourcesCommand({ StackName: stackName }));
    const api = StackResourceSummaries.find((r) => r.LogicalResourceId === "Api");
    expect(api).toMatchObject({ ResourceType: "AWS::ApiGateway::RestApi", ResourceStatus: "CREATE_COMPLETE" });
    expect(api?.PhysicalResourceId).toMatch(/^[a-z0-9]{10}$/);
    return api!.PhysicalResourceId!;
  }

  const snapshot = () => logGroupsSnapshot(moto);

  const stackNames = async () => ((await cloudformation.send(new ListStacksCommand({}))).StackSummaries ?? []).map((s) => s.StackName).sort();

  /** Runs the real handler against moto; returns the output resources, those it added, its warnings and the AWS operations it called. */
  async function transform(fragment: { Resources: Resources }, params: Record<string, unknown>) {
    const beforeGroups = await snapshot();
    const beforeStacks = await stackNames();
    const operations: string[] = [];
    const warnings: string[] = [];
    const input = JSON.parse(JSON.stringify(fragment));
    const response = await respond(
      { requestId: "moto-api", region: REGION, accountId: ACCOUNT, params: { addLayers: false, forwarderArn: FORWARDER, ...params }, templateParameterValues: {}, fragment },
      {},
      { log: (level, message) => void (level === "warn" && warnings.push(message)) },
      (region) => ({ ...cloudWatchAccountView({ region, endpoint: moto.endpoint, onCall: (operation) => operations.push(operation) }), ...offlineLayerView() }),
    );
    expect(response.errorMessage).toBeUndefined();
    expect(response.status).toBe("success");
    const out: Resources = (response.fragment as any).Resources;
    const added = Object.fromEntries(Object.entries(out).filter(([id]) => !(id in input.Resources)));

    // Only read: no operation but the three lookups, and the account as it was.
    expect(operations.filter((op) => !READS.includes(op))).toEqual([]);
    const after = await snapshot();
    expect(after).toEqual(beforeGroups);
    expect(after.map(([name]) => name).sort()).toEqual([...created].sort());
    expect(await stackNames()).toEqual(beforeStacks);
    return { out, input: input.Resources as Resources, added, warnings, operations };
  }

  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
    cloudformation = new CloudFormationClient({ region: REGION, endpoint: moto.endpoint, maxAttempts: 1 });

    // The forwarder: a Lambda function, which needs a role (moto checks both).
    const assume = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await raw("iam", "/", "application/x-www-form-urlencoded", new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: ROLE_NAME, AssumeRolePolicyDocument: assume }).toString());
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]).toString("base64");
    const fn = JSON.parse(
      await raw(
        "lambda",
        "/2015-03-31/functions",
        "application/json",
        JSON.stringify({ FunctionName: "datadog-forwarder", Runtime: "python3.12", Handler: "a.h", Role: ROLE, Code: { ZipFile: emptyZip } }),
      ),
    );
    expect(fn.FunctionArn).toBe(FORWARDER);
    for (const n of [1, 2]) await moto.call("Kinesis_20131202.CreateStream", { StreamName: `other${n}`, ShardCount: 1 });

    // Stacks that exist, each holding the API `Api`, and their execution log groups in the states to test.
    for (const stack of ["shop", "legacy", "crowded", "redeploy"]) apiIds[stack] = await stackWithApi(stack);
    for (const stack of Object.keys(apiIds)) await group(executionGroup(apiIds[stack]));
    await filter(executionGroup(apiIds.legacy), "forwarder-by-hand", FORWARDER);
    await filter(executionGroup(apiIds.crowded), "a", ELSEWHERE[0]);
    await filter(executionGroup(apiIds.crowded), "b", ELSEWHERE[1]);
    await filter(executionGroup(apiIds.redeploy), OWNED_GROUP_FILTER, FORWARDER);
    await group(ACCESS_EXISTING);
  }, 60_000);

  afterAll(() => {
    cloudformation?.destroy();
    moto?.stop();
  });

  test("a new REST API (its stack does not exist): the execution log group is declared, retained, and subscribed", async () => {
    const { out, added, warnings, operations } = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "not-deployed-yet" });

    // moto answers ListStackResources for a missing stack with "does not exist": read once, as empty.
    expect(operations.filter((op) => op === "ListStackResources")).toHaveLength(1);
    expect(warnings).toEqual([]);
    const groups = Object.entries(added).filter(([, r]) => r.Type === "AWS::Logs::LogGroup");
    const filters = Object.entries(added).filter(([, r]) => r.Type === "AWS::Logs::SubscriptionFilter");
    expect(Object.keys(added)).toHaveLength(2);
    expect(groups).toHaveLength(1);
    expect(filters).toHaveLength(1);
    const [groupId, declared] = groups[0];
    expect(declared).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    expect(resolveName(declared.Properties.LogGroupName, "abc123defg")).toBe(executionGroup("abc123defg"));
    expect(filters[0][1].Properties).toEqual({ DestinationArn: FORWARDER, FilterPattern: "", FilterName: OWNED_GROUP_FILTER, LogGroupName: { Ref: groupId } });
    // The stage waits for the group, so API Gateway cannot create it first.
    expect([out.ProdStage.DependsOn].flat()).toContain(groupId);
  });

  test("an existing REST API whose execution log group exists: subscribed by name, not declared", async () => {
    const apiId = apiIds.shop;
    const { out, input, added, warnings, operations } = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "shop" });

    expect(operations.filter((op) => op === "ListStackResources")).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(Object.values(added).map((r) => r.Type)).toEqual(["AWS::Logs::SubscriptionFilter"]);
    const [subscription] = Object.values(added);
    expect(subscription.Properties).toMatchObject({ DestinationArn: FORWARDER, FilterPattern: "", FilterName: filterNameFor("ProdStageExecutionLogs") });
    expect(subscription.Properties.FilterName).toBe("datadog-serverless-macro-ProdStageExecutionLogs");
    expect(resolveName(subscription.Properties.LogGroupName, apiId)).toBe(executionGroup(apiId));
    expect(subscription.DependsOn).toBeUndefined();
    expect(out.ProdStage).toEqual(input.ProdStage);
  });

  test("the group already forwards to the forwarder under another filter name: nothing added, W304", async () => {
    const { out, input, added, warnings } = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "legacy" });

    expect(added).toEqual({});
    expect(out).toEqual(input);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[W304\] ProdStage: /);
    expect(warnings[0]).toContain(`already forwards to ${FORWARDER} through filter "forwarder-by-hand"`);
  });

  test("the group has two filters going elsewhere: nothing added, W305", async () => {
    const { added, warnings } = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "crowded" });

    expect(added).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[W305\] ProdStage: its log group already has 2 subscription filters going elsewhere/);
  });

  test("a redeploy of the stack that owns the group (our stack-group filter on it): the same group and filter are declared again", async () => {
    const first = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "not-deployed-yet" });
    const again = await transform(restApiTemplate(), { subscribeToExecutionLogs: true, stackName: "redeploy" });

    expect(again.warnings).toEqual([]);
    expect(again.added).toEqual(first.added);
    expect(again.out.ProdStage).toEqual(first.out.ProdStage);
  });

  test("access logs to a literal ARN: an existing group is subscribed by name, a missing one gets W307 and nothing", async () => {
    const stage = (name: string, destination: string) => ({
      Type: "AWS::ApiGateway::Stage",
      Properties: {
        RestApiId: { Ref: "Api" },
        DeploymentId: { Ref: "Deployment" },
        StageName: name,
        AccessLogSetting: { DestinationArn: destination, Format: "$context.requestId" },
      },
    });
    const template = restApiTemplate({
      LiveStage: stage("live", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ACCESS_EXISTING}`),
      BetaStage: stage("beta", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ACCESS_MISSING}:*`),
    });
    // ProdStage has no access logs, and execution logs are not asked for: no stack lookup.
    const { out, input, added, warnings, operations } = await transform(template, { stackName: "shop" });

    expect(operations).not.toContain("ListStackResources");
    expect(Object.keys(added)).toHaveLength(1);
    const [[id, subscription]] = Object.entries(added);
    expect(id.startsWith("LiveStage")).toBe(true);
    expect(subscription).toEqual({
      Type: "AWS::Logs::SubscriptionFilter",
      Properties: { DestinationArn: FORWARDER, FilterPattern: "", FilterName: "datadog-serverless-macro-shop-LiveStageAccessLogs", LogGroupName: ACCESS_EXISTING },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^\\[W307\\] BetaStage: log group ${ACCESS_MISSING} does not exist yet; not subscribed`));
    for (const stageId of ["LiveStage", "BetaStage", "ProdStage"]) expect(out[stageId]).toEqual(input[stageId]);
  });
});
