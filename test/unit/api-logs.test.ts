/** API Gateway logs, `forwardLogGroups`, X-Ray beyond Lambda, and the Step Functions trace options. */
import { ALL_LAYERS, instrument, lambda, run, template } from "../helpers/macro";
import { FORWARDER, PASS_DEFINITION, stateMachine } from "../helpers/builders";

const params = { forwarderArn: FORWARDER, stackName: "shop" };
const ofType = (resources: Record<string, any>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const filters = (resources: Record<string, any>) => ofType(resources, "AWS::Logs::SubscriptionFilter").map(([id, resource]) => ({ id, group: resource.Properties.LogGroupName, name: resource.Properties.FilterName }));

const restApi = () => ({ Type: "AWS::ApiGateway::RestApi", Properties: { Name: "shop" } });
const logGroup = (name?: string) => ({ Type: "AWS::Logs::LogGroup", Properties: name === undefined ? {} : { LogGroupName: name } });
const INFO = [{ HttpMethod: "*", ResourcePath: "/*", LoggingLevel: "INFO" }];
const restStage = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Type: "AWS::ApiGateway::Stage",
  ...extra,
  Properties: { RestApiId: { Ref: "Api" }, DeploymentId: "d1", StageName: "prod", ...properties },
});
/** Resources of a type, each with its logical id. */
const resourcesOf = (fragment: any, type: string) => ofType(fragment.Resources, type).map(([id, resource]) => ({ id, ...resource }));
/** The subscription filters on the log group named `name` (a string or an intrinsic). */
const filtersOn = (fragment: any, name: unknown) =>
  resourcesOf(fragment, "AWS::Logs::SubscriptionFilter").filter((filter) => JSON.stringify(filter.Properties.LogGroupName) === JSON.stringify(name));
/** The RestApi `Api` with its Deployment `Dep`, and these stages of it. */
const deployedApi = (stages: Record<string, unknown> = {}) => ({
  Api: restApi(),
  Dep: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { Ref: "Api" } } },
  ...stages,
});
const deployedStage = (name: string, properties: Record<string, unknown>, condition?: string) =>
  restStage({ DeploymentId: { Ref: "Dep" }, StageName: name, ...properties }, condition ? { Condition: condition } : {});

describe("access logs", () => {
  test.each([
    ["Fn::GetAtt [Group, Arn]", { "Fn::GetAtt": ["Access", "Arn"] }],
    ["!Sub ${Group.Arn}", { "Fn::Sub": "${Access.Arn}" }],
    ["!Sub with ${Group} as the name", { "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Access}" }],
  ])("a group of the template given by %s is subscribed by Ref, once for all stages logging to it", (_shape, destination) => {
    const out = instrument(
      template({
        Api: restApi(),
        Access: logGroup("/shop/access"),
        Prod: restStage({ AccessLogSetting: { DestinationArn: destination } }),
        Beta: restStage({ StageName: "beta", AccessLogSetting: { DestinationArn: destination } }),
      }),
      params,
    );
    expect(filters(out)).toEqual([{ id: "AccessDatadogSubscription", group: { Ref: "Access" }, name: "datadog-serverless-macro-Access" }]);
    expect(ofType(out, "AWS::Logs::LogGroup").map(([id]) => id)).toEqual(["Access"]);
  });

  test("the subscription carries the condition of the group it subscribes", () => {
    const fragment = template({ Api: restApi(), Access: { ...logGroup("/a"), Condition: "Prod" }, Stage: restStage({ AccessLogSetting: { DestinationArn: { "Fn::GetAtt": ["Access", "Arn"] } } }) }, { Conditions: { Prod: { "Fn::Equals": ["a", "a"] } } });
    expect(instrument(fragment, params).AccessDatadogSubscription.Condition).toBe("Prod");
  });

  test("HTTP and WebSocket stages (AccessLogSettings) are subscribed too", () => {
    const out = instrument(
      template({
        Http: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "h", ProtocolType: "HTTP" } },
        HttpLogs: logGroup(),
        HttpStage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Http" }, StageName: "$default", AccessLogSettings: { DestinationArn: { "Fn::GetAtt": ["HttpLogs", "Arn"] }, Format: "$context.requestId" } } },
      }),
      params,
    );
    expect(filters(out).map(({ group }) => group)).toEqual([{ Ref: "HttpLogs" }]);
  });

  test("a literal ARN: an existing group is subscribed by name; a missing one is not declared (another stack may create it)", () => {
    const fragment = template({ Api: restApi(), Stage: restStage({ AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shop/access:*" } }) });
    const existing = instrument(fragment, params, { logGroups: { "/shop/access": [] } });
    expect(filters(existing)).toEqual([{ id: "StageAccessLogsDatadogSubscription", group: "/shop/access", name: "datadog-serverless-macro-shop-StageAccessLogs" }]);
    const missing = run(fragment, params);
    expect(filters((missing.fragment as any).Resources)).toEqual([]);
    expect(ofType((missing.fragment as any).Resources, "AWS::Logs::LogGroup")).toEqual([]);
    expect(missing.warnings.join("\n")).toMatch(/\[W307\] Stage: log group \/shop\/access does not exist yet/);
  });

  test("an existing group carrying another stack's stack-group filter is subscribed by name, not taken for missing", () => {
    const fragment = template({ Api: restApi(), Stage: restStage({ AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shop/access" } }) });
    const elsewhere = "arn:aws:lambda:us-east-1:123456789012:function:other";
    const outcome = run(fragment, params, { logGroups: { "/shop/access": [{ filterName: "datadog-serverless-macro-stack-group", destinationArn: elsewhere }] } });
    expect(outcome.warnings).toEqual([]);
    expect(filters((outcome.fragment as any).Resources)).toEqual([{ id: "StageAccessLogsDatadogSubscription", group: "/shop/access", name: "datadog-serverless-macro-shop-StageAccessLogs" }]);
  });

  test.each([
    ["a Firehose stream", "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-shop", /Kinesis Data Firehose/],
    ["a group of another region", "arn:aws:logs:eu-west-1:123456789012:log-group:/shop/access", /region eu-west-1/],
    ["a group of another account", "arn:aws:logs:us-east-1:999999999999:log-group:/shop/access", /another account/],
  ])("%s is not subscribed, with W306", (_what, arn, why) => {
    const outcome = run(template({ Api: restApi(), Stage: restStage({ AccessLogSetting: { DestinationArn: arn } }) }), params, { logGroups: { "/shop/access": [] } });
    expect(filters((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(why);
  });

  test("subscribeToAccessLogs: false leaves access log groups alone", () => {
    const out = instrument(template({ Api: restApi(), Access: logGroup(), Stage: restStage({ AccessLogSetting: { DestinationArn: { "Fn::GetAtt": ["Access", "Arn"] } } }) }), { ...params, subscribeToAccessLogs: false });
    expect(filters(out)).toEqual([]);
  });
  describe("a log group shared by stages under different Conditions", () => {
    // S1 (Condition C1) and S2 (no condition) log to the same literal group. One filter carrying C1 alone,
    // with S2's subscription deduplicated against it, would leave /shared unforwarded wherever C1 is false.
    const t = {
      Conditions: { C1: { "Fn::Equals": ["a", "b"] } },
      Resources: deployedApi({
        S1: deployedStage("a", { AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shared", Format: "x" } }, "C1"),
        S2: deployedStage("b", { AccessLogSetting: { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/shared", Format: "x" } }),
      }),
    };
    test("the group is forwarded whenever S2 exists", () => {
      const out = run(t, { forwarderArn: FORWARDER }, { logGroups: { "/shared": [] } });
      const filters = filtersOn(out.fragment, "/shared");
      expect(filters.some((f) => f.Condition === undefined)).toBe(true);
    });
    test("same with forwardLogGroups naming the group explicitly (unconditional request)", () => {
      const t2 = { ...t, Resources: deployedApi({ S1: (t.Resources as any).S1 }) };
      const out = run(t2, { forwarderArn: FORWARDER, forwardLogGroups: ["/shared"] }, { logGroups: { "/shared": [] } });
      const filters = filtersOn(out.fragment, "/shared");
      expect(filters.some((f) => f.Condition === undefined)).toBe(true);
    });
  });

  // The template declares LogGroupName !Sub /api/${AWS::StackName}-access and the stage logs to
  // !Sub arn:...:log-group:/api/${AWS::StackName}-access: the group is the template's own, as for functions
  // (functionLogTarget finds it by name), so no `stackName` is needed (W301 if the macro gave up).
  test("a destination built with Fn::Sub ${AWS::StackName} is the template's own group: subscribed without stackName", () => {
    const t = {
      Resources: deployedApi({
        AccessLogs: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::Sub": "/api/${AWS::StackName}-access" } } },
        S: deployedStage("a", { AccessLogSetting: { DestinationArn: { "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/api/${AWS::StackName}-access" }, Format: "x" } }),
      }),
    };
    const out = run(t, { forwarderArn: FORWARDER });
    expect(out.warnings).toEqual([]);
    expect(filtersOn(out.fragment, { Ref: "AccessLogs" }).length).toBe(1);
  });
});

describe("execution logs", () => {
  const rest = (stage: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => template({ Api: restApi(), Prod: restStage({ MethodSettings: INFO, ...stage }, extra) });
  const withLogs = { ...params, subscribeToExecutionLogs: true };

  test("a new API: its group is declared (retained), subscribed, and the stage waits for it", () => {
    const out = instrument(rest({}, { DependsOn: "Other" }), withLogs);
    expect(out.ProdExecutionLogsLogGroup).toMatchObject({
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { LogGroupName: { "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: "Api" }, "/prod"]] } },
    });
    expect(filters(out)).toEqual([{ id: "ProdExecutionLogsDatadogSubscription", group: { Ref: "ProdExecutionLogsLogGroup" }, name: "datadog-serverless-macro-stack-group" }]);
    expect(out.Prod.DependsOn).toEqual(["Other", "ProdExecutionLogsLogGroup"]);
  });

  test("an existing API whose group API Gateway created: subscribed by name, not declared, the stage untouched", () => {
    const fragment = rest();
    const out = instrument(fragment, withLogs, { stackResources: { Api: "a1b2c3" }, logGroups: { "API-Gateway-Execution-Logs_a1b2c3/prod": [] } });
    expect(ofType(out, "AWS::Logs::LogGroup")).toEqual([]);
    expect(filters(out)).toEqual([
      { id: "ProdExecutionLogsDatadogSubscription", group: { "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: "Api" }, "/prod"]] }, name: "datadog-serverless-macro-ProdExecutionLogs" },
    ]);
    expect(out.Prod).toBe((fragment as any).Resources.Prod);
  });

  test("redeploy: the group the first deploy declared is declared again, identically", () => {
    const first = instrument(rest(), withLogs);
    const again = instrument(rest(), withLogs, {
      stackResources: { Api: "a1b2c3" },
      logGroups: { "API-Gateway-Execution-Logs_a1b2c3/prod": [{ filterName: "datadog-serverless-macro-stack-group", destinationArn: FORWARDER }] },
    });
    expect(again).toEqual(first);
  });

  test("a group already forwarding to the forwarder gets nothing, with W304", () => {
    const outcome = run(rest(), withLogs, { stackResources: { Api: "a1b2c3" }, logGroups: { "API-Gateway-Execution-Logs_a1b2c3/prod": [{ filterName: "by-hand", destinationArn: FORWARDER }] } });
    expect(filters((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(/\[W304\] Prod:/);
  });

  test.each([
    ["OFF", false],
    ["ERROR", true],
    [{ Ref: "Level" }, true],
  ])("MethodSettings at %j: execution logs %s", (level, subscribed) => {
    const fragment = { ...rest({ MethodSettings: [{ HttpMethod: "*", ResourcePath: "/*", LoggingLevel: level }] }), Parameters: { Level: { Type: "String", Default: "INFO" } } };
    expect(filters(instrument(fragment, withLogs)).length).toBe(subscribed ? 1 : 0);
  });

  test("a stage name the macro cannot resolve: W301, nothing added", () => {
    const outcome = run(rest({ StageName: { "Fn::ImportValue": "stage" } }), withLogs);
    expect(filters((outcome.fragment as any).Resources)).toEqual([]);
    expect(outcome.warnings.join("\n")).toMatch(/\[W301\] Prod: its stage name cannot be resolved/);
  });

  test("a Deployment that creates its stage (StageDescription), and a literal API id (no stackName needed)", () => {
    const fragment = template({ Deploy: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: "k3x9", StageName: "v1", StageDescription: { LoggingLevel: "INFO" } } } });
    const outcome = run(fragment, { forwarderArn: FORWARDER, subscribeToExecutionLogs: true });
    expect(outcome.errors).toEqual([]);
    const out = (outcome.fragment as any).Resources;
    expect(out.DeployExecutionLogsLogGroup.Properties.LogGroupName).toBe("API-Gateway-Execution-Logs_k3x9/v1");
    // A Deployment passes no DependsOn to the stage it makes: it is left as it was.
    expect(out.Deploy).toBe((fragment as any).Resources.Deploy);
  });

  test("WebSocket stages: /aws/apigateway/<api id>/<stage>; HTTP APIs write no execution logs", () => {
    const out = instrument(
      template({
        Ws: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "ws", ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.action" } },
        WsStage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Ws" }, StageName: "prod", DefaultRouteSettings: { LoggingLevel: "ERROR" } } },
        Http: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "h", ProtocolType: "HTTP" } },
        HttpStage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Http" }, StageName: "prod", DefaultRouteSettings: { LoggingLevel: "INFO" } } },
      }),
      withLogs,
    );
    expect(ofType(out, "AWS::Logs::LogGroup").map(([, group]) => group.Properties.LogGroupName)).toEqual([{ "Fn::Join": ["", ["/aws/apigateway/", { Ref: "Ws" }, "/prod"]] }]);
  });

  test("the API of the template needs stackName (E304)", () => {
    expect(run(rest(), { forwarderArn: FORWARDER, subscribeToExecutionLogs: true }).errors.join("\n")).toMatch(/\[E304\].*Prod/);
  });

  test("SAM before SAM: an Api and Globals.Api (MethodSettings, StageName), and the implicit API of functions' events", () => {
    const fragment = {
      Transform: "AWS::Serverless-2016-10-31",
      Globals: { Api: { MethodSettings: INFO, StageName: "live" } },
      Resources: {
        Orders: { Type: "AWS::Serverless::Api", Properties: {} },
        Fn: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.h", CodeUri: "s3://b/k", Events: { Get: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } },
      },
    };
    const out = instrument(fragment, { ...withLogs, addLayers: false, exclude: ["Fn"] });
    expect(ofType(out, "AWS::Logs::LogGroup").map(([id, group]) => [id, group.Properties.LogGroupName])).toEqual([
      ["OrdersExecutionLogsLogGroup", { "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: "Orders" }, "/live"]] }],
      ["ServerlessRestApiExecutionLogsLogGroup", { "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: "ServerlessRestApi" }, "/live"]] }],
    ]);
  });
  describe("RestApiId read from a nested stack's output (Fn::GetAtt)", () => {
    // RestApiId: !GetAtt ApiStack.Outputs.RestApiId (the API in a nested stack). Writing {Ref: ApiStack} into
    // the group's name would give "API-Gateway-Execution-Logs_arn:aws:cloudformation:.../prod": invalid (":"),
    // CREATE_FAILED, and the stage DependsOn it, so the whole deploy would fail where the input deployed.
    const t = {
      Resources: {
        ApiStack: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/b/api.yaml" } },
        Dep: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { "Fn::GetAtt": ["ApiStack", "Outputs.RestApiId"] } } },
        S: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { "Fn::GetAtt": ["ApiStack", "Outputs.RestApiId"] }, DeploymentId: { Ref: "Dep" }, StageName: "prod", MethodSettings: INFO } },
      },
    };
    test("no added resource refers to the nested stack by Ref", () => {
      const out = run(t, { forwarderArn: FORWARDER, subscribeToExecutionLogs: true, stackName: "st" }, { stackResources: { ApiStack: "arn:aws:cloudformation:us-east-1:123456789012:stack/st-ApiStack-1X/abc" } });
      expect(out.ok).toBe(true);
      const added = resourcesOf(out.fragment, "AWS::Logs::LogGroup");
      expect(JSON.stringify(added)).not.toContain('{"Ref":"ApiStack"}');
    });
  });

  describe("RestApiId given as a template parameter: an API outside the template", () => {
    // RestApiId: !Ref ApiId (a String parameter, value known to the macro). The group
    // API-Gateway-Execution-Logs_abc123/prod exists in the account: declaring it (as if the API were new,
    // since no stack resource has that id) fails the deploy with "already exists".
    const t = {
      Parameters: { ApiId: { Type: "String" } },
      Resources: { S: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "ApiId" }, DeploymentId: "dep1", StageName: "prod", MethodSettings: INFO } } },
    };
    const options = { templateParameterValues: { ApiId: "abc123" }, logGroups: { "API-Gateway-Execution-Logs_abc123/prod": [] } };
    test("an existing group is not declared again", () => {
      const out = run(t, { forwarderArn: FORWARDER, subscribeToExecutionLogs: true, stackName: "st" }, options);
      expect(out.ok).toBe(true);
      expect(resourcesOf(out.fragment, "AWS::Logs::LogGroup")).toEqual([]);
    });
    test("stackName is not demanded for an API that is not a resource of the template", () => {
      const out = run(t, { forwarderArn: FORWARDER, subscribeToExecutionLogs: true }, options);
      expect(out.errors).toEqual([]);
    });
  });

  // When every function with an implicit Api event has Condition C1, SAM gives ServerlessRestApi Condition C1
  // (ImplicitApiPlugin._maybe_add_condition_to_implicit_api). An unconditional group whose name refers to
  // ServerlessRestApi draws cfn-lint W1001, and CloudFormation rejects the template when C1 is false
  // ("Unresolved resource dependencies [ServerlessRestApi]").
  test("SAM implicit API under a Condition: whatever refers to ServerlessRestApi carries that Condition", () => {
    const t = {
      Transform: "AWS::Serverless-2016-10-31",
      Parameters: { Env: { Type: "String", Default: "dev" } },
      Conditions: { C1: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
      Globals: { Api: { MethodSettings: INFO } },
      Resources: {
        Fn: { Type: "AWS::Serverless::Function", Condition: "C1", Properties: { Runtime: "python3.12", Handler: "a.b", CodeUri: "s3://bucket/k", FunctionName: "fn", Events: { E: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } },
      },
    };
    const out = run(t, { forwarderArn: FORWARDER, addLayers: false, subscribeToExecutionLogs: true, stackName: "st" });
    expect(out.ok).toBe(true);
    const referring = Object.entries<any>((out.fragment as any).Resources).filter(([, r]) => JSON.stringify(r).includes('"Ref":"ServerlessRestApi"'));
    expect(referring.length).toBeGreaterThan(0);
    for (const [, r] of referring) expect(r.Condition).toBe("C1");
  });

  // StageA (IsProd) and StageB (NotProd) both create stage "live" of Api. A group declared once with
  // Condition IsProd, and nothing for StageB, would leave the stage's logs unforwarded where NotProd holds.
  test("mutually exclusive stages with one stage name: some filter exists when the second one's Condition holds", () => {
    const t = {
      Parameters: { Env: { Type: "String" } },
      Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] }, NotProd: { "Fn::Not": [{ Condition: "IsProd" }] } },
      Resources: deployedApi({ StageA: deployedStage("live", { MethodSettings: INFO }, "IsProd"), StageB: deployedStage("live", { MethodSettings: INFO }, "NotProd") }),
    };
    const out = run(t, { forwarderArn: FORWARDER, subscribeToExecutionLogs: true, stackName: "st" });
    expect(out.ok).toBe(true);
    const filters = resourcesOf(out.fragment, "AWS::Logs::SubscriptionFilter");
    expect(filters.some((f) => f.Condition !== "IsProd")).toBe(true);
  });
});

describe("forwardLogGroups", () => {
  test("names and logical ids; a name the template declares is subscribed by Ref", () => {
    const out = instrument(template({ Audit: logGroup("/shop/audit"), Jobs: logGroup("/shop/jobs") }), { ...params, forwardLogGroups: ["Audit", "/shop/jobs", "/shop/batch", "Audit"] }, { logGroups: { "/shop/batch": [] } });
    expect(filters(out)).toEqual([
      { id: "AuditDatadogSubscription", group: { Ref: "Audit" }, name: "datadog-serverless-macro-Audit" },
      { id: "ShopJobsDatadogSubscription", group: { Ref: "Jobs" }, name: "datadog-serverless-macro-shop-ShopJobs" },
      { id: "ShopBatchDatadogSubscription", group: "/shop/batch", name: "datadog-serverless-macro-shop-ShopBatch" },
    ]);
  });

  test("a name does not carry the Condition of a resource that happens to share its derived id", () => {
    const fragment = template({ ShopBatch: { ...logGroup("/other"), Condition: "Never" } }, { Conditions: { Never: { "Fn::Equals": ["a", "b"] } } });
    const out = instrument(fragment, { ...params, forwardLogGroups: ["/shop/batch"] }, { logGroups: { "/shop/batch": [] } });
    expect(out.ShopBatchDatadogSubscription.Condition).toBeUndefined();
  });

  test("with the extension, functions are not subscribed but the named groups are", () => {
    const out = instrument(template({ Fn: lambda({ Runtime: "python3.12", Handler: "a.h", FunctionName: "shop-fn" }) }), {
      ...ALL_LAYERS,
      extensionLayerVersion: 90,
      apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd",
      ...params,
      forwardLogGroups: ["/shop/batch"],
    }, { logGroups: { "/shop/batch": [] } });
    expect(filters(out).map(({ group }) => group)).toEqual(["/shop/batch"]);
  });
  // A filter on a group given by name must carry the stack's identity: stack b, deployed after stack a forwarded
  // the same group, would otherwise read a's filter as its own and declare one of the same name on the same
  // group, and CloudFormation fails with "already exists".
  test("filter names differ between stacks: stack b does not declare a filter named like stack a's", () => {
    const t = { Resources: { Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: {} } } } };
    const a = run(t, { forwarderArn: FORWARDER, forwardLogGroups: ["/shared/batch-jobs"], stackName: "a" }, { logGroups: { "/shared/batch-jobs": [] } });
    const aFilter = resourcesOf(a.fragment, "AWS::Logs::SubscriptionFilter")[0];
    expect(aFilter).toBeDefined();
    const account = { "/shared/batch-jobs": [{ filterName: aFilter.Properties.FilterName, destinationArn: FORWARDER }] };
    const b = run(t, { forwarderArn: FORWARDER, forwardLogGroups: ["/shared/batch-jobs"], stackName: "b" }, { logGroups: account });
    const bNames = resourcesOf(b.fragment, "AWS::Logs::SubscriptionFilter").map((f) => f.Properties.FilterName);
    expect(bNames).not.toContain(aFilter.Properties.FilterName);
  });
});

describe("X-Ray tracing beyond Lambda", () => {
  test("REST stages and state machines get tracing, the role the X-Ray permissions; what the user set is kept", () => {
    const out = instrument(
      template({ Api: restApi(), Prod: restStage(), Beta: restStage({ StageName: "beta", TracingEnabled: false }), Flow: stateMachine({ Definition: PASS_DEFINITION }), Own: stateMachine({ Definition: PASS_DEFINITION, TracingConfiguration: { Enabled: false } }) }),
      { enableXrayTracing: true },
    );
    expect(out.Prod.Properties.TracingEnabled).toBe(true);
    expect(out.Beta.Properties.TracingEnabled).toBe(false);
    expect(out.Flow.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(out.Own.Properties.TracingConfiguration).toEqual({ Enabled: false });
    const statements = out.Role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements.find((s: any) => s.Sid === "DatadogStepFunctionsXRay").Action).toContain("xray:PutTraceSegments");
  });

  test("a machine whose role the macro cannot edit: the same warning on every run (idempotent)", () => {
    const fragment = template({ Flow: stateMachine({ Definition: PASS_DEFINITION, RoleArn: "arn:aws:iam::123456789012:role/flow" }) });
    const first = run(fragment, { enableXrayTracing: true });
    const second = run(first.fragment, { enableXrayTracing: true });
    expect(first.warnings.join("\n")).toMatch(/\[W216\] Flow:/);
    expect(second.warnings).toEqual(first.warnings);
    expect(second.fragment).toEqual(first.fragment);
    expect(first.instrumented).toEqual(["Flow"]);
  });

  test("SAM: the Api's TracingEnabled unless Globals.Api sets it; the implicit API through Globals.Api", () => {
    const fn = { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.h", CodeUri: "s3://b/k", Events: { Get: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } };
    const out = instrument({ Resources: { Orders: { Type: "AWS::Serverless::Api", Properties: { StageName: "prod" } }, Fn: fn } }, { enableXrayTracing: true, addLayers: false }) as any;
    expect(out.Orders.Properties.TracingEnabled).toBe(true);
    const whole = run({ Resources: { Fn: fn } }, { enableXrayTracing: true, addLayers: false }).fragment as any;
    expect(whole.Globals.Api).toEqual({ TracingEnabled: true });
    const userSet = run({ Globals: { Api: { TracingEnabled: false } }, Resources: { Orders: { Type: "AWS::Serverless::Api", Properties: { StageName: "prod" } }, Fn: fn } }, { enableXrayTracing: true, addLayers: false }).fragment as any;
    expect(userSet.Globals.Api).toEqual({ TracingEnabled: false });
    expect(userSet.Resources.Orders.Properties.TracingEnabled).toBeUndefined();
  });

  test("HTTP APIs have no X-Ray tracing: left alone", () => {
    const stage = { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: "x", StageName: "prod" } };
    expect(instrument(template({ Stage: stage }), { enableXrayTracing: true }).Stage).toBe(stage);
  });
});

describe("Step Functions trace options", () => {
  const definition = {
    StartAt: "Invoke",
    States: {
      Invoke: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f", "Payload.$": "$" }, Next: "Child" },
      Child: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child" }, End: true },
    },
  };
  const machines = () => template({ Flow: { Type: "AWS::StepFunctions::StateMachine", Properties: { RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, Definition: definition } } });
  const rewritten = (options: Record<string, unknown>) => {
    const out = instrument(machines(), { stepFunctionForwarderArn: FORWARDER, ...options });
    const states = out.Flow.Properties.Definition.States;
    return { lambda: states.Invoke.Parameters["Payload.$"] !== "$", nested: states.Child.Parameters.Input !== undefined };
  };

  test.each([
    [{}, { lambda: true, nested: true }],
    [{ mergeStepFunctionAndLambdaTraces: false }, { lambda: false, nested: false }],
    [{ mergeStepFunctionAndLambdaTraces: false, propagateUpstreamTrace: true }, { lambda: false, nested: true }],
    [{ propagateUpstreamTrace: false }, { lambda: true, nested: false }],
  ])("%j rewrites %j", (options, expected) => {
    expect(rewritten(options)).toEqual(expected);
  });
});
