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
