/**
 * Generated seed templates: random mixes of the resources the macro instruments (Lambda and SAM
 * functions, roles, state machines, API Gateway stages and SAM APIs, code signing configs) and some it
 * must leave alone, with template parameters, conditions, mappings and SAM Globals to refer to.
 */
import type { Json, JsonMap } from "./json";
import type { Rng } from "./prng";
import { HANDLERS, RUNTIMES } from "./values";

const role = (id: string): Json => ({ "Fn::GetAtt": [id, "Arn"] });
const DEFINITION = JSON.stringify({
  StartAt: "Call",
  States: {
    Call: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "${Fn}", "Payload.$": "$" }, Next: "Child" },
    Child: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child", Input: { "a.$": "$" } }, End: true },
  },
});

/** Builders of one resource each, given the ids the template already has. */
export const RESOURCE_BUILDERS: Record<string, (rng: Rng, ids: string[]) => Json> = {
  lambda: (rng) => ({
    Type: "AWS::Lambda::Function",
    Properties: {
      Runtime: rng.pick(RUNTIMES.slice(0, 12)),
      Handler: rng.pick(HANDLERS.slice(0, 3)),
      Role: role("Role"),
      Code: { ZipFile: "def handler(e, c): return e" },
      ...(rng.chance(0.4) ? { FunctionName: rng.pick(["shop-fn", "orders", { "Fn::Sub": "${AWS::StackName}-fn" }]) } : {}),
      ...(rng.chance(0.4) ? { Layers: [rng.pick(["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38", "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:90"])] } : {}),
      ...(rng.chance(0.5) ? { Environment: { Variables: { APP_MODE: "prod", DD_SITE: "datadoghq.eu" } } } : {}),
      ...(rng.chance(0.3) ? { Tags: [{ Key: "team", Value: "shop" }] } : {}),
      ...(rng.chance(0.3) ? { Architectures: [rng.pick(["arm64", "x86_64"])] } : {}),
      ...(rng.chance(0.2) ? { LoggingConfig: { LogGroup: rng.pick(["/shop/fn", { Ref: "Logs" }]) } } : {}),
      ...(rng.chance(0.2) ? { CodeSigningConfigArn: { Ref: "Signing" } } : {}),
    },
  }),
  image: () => ({
    Type: "AWS::Lambda::Function",
    Metadata: { DatadogRuntime: "python3.12" },
    Properties: { PackageType: "Image", Code: { ImageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1" }, Role: role("Role"), ImageConfig: { Command: ["app.handler"] } },
  }),
  samFunction: (rng) => ({
    Type: "AWS::Serverless::Function",
    Properties: {
      Runtime: rng.pick(RUNTIMES.slice(0, 12)),
      Handler: "app.handler",
      CodeUri: "s3://bucket/key.zip",
      ...(rng.chance(0.4) ? { Policies: ["AWSLambdaBasicExecutionRole"] } : {}),
      ...(rng.chance(0.4) ? { Events: { Get: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } : {}),
      ...(rng.chance(0.3) ? { Environment: { Variables: { TABLE: { Ref: "Queue" } } } } : {}),
      ...(rng.chance(0.3) ? { AutoPublishAlias: "live" } : {}),
    },
  }),
  role: () => ({
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "states.amazonaws.com"] }, Action: ["sts:AssumeRole"] }] },
      ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
      Policies: [{ PolicyName: "p", PolicyDocument: { Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] } }],
    },
  }),
  stateMachine: (rng) => ({
    Type: "AWS::StepFunctions::StateMachine",
    Properties: {
      RoleArn: role("Role"),
      ...(rng.chance(0.6) ? { DefinitionString: rng.chance(0.5) ? DEFINITION : { "Fn::Sub": [DEFINITION, { Fn: { "Fn::GetAtt": ["Fn0", "Arn"] } }] } } : { Definition: JSON.parse(DEFINITION) }),
      ...(rng.chance(0.4) ? { StateMachineName: "orders-flow" } : {}),
      ...(rng.chance(0.3) ? { LoggingConfiguration: { Level: "ALL", IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["Logs", "Arn"] } } }] } } : {}),
      ...(rng.chance(0.3) ? { TracingConfiguration: { Enabled: rng.pick([true, false]) } } : {}),
    },
  }),
  samStateMachine: () => ({
    Type: "AWS::Serverless::StateMachine",
    Properties: { Definition: JSON.parse(DEFINITION), Policies: [{ LambdaInvokePolicy: { FunctionName: "x" } }] },
  }),
  restApi: () => ({ Type: "AWS::ApiGateway::RestApi", Properties: { Name: "shop" } }),
  restStage: (rng) => ({
    Type: "AWS::ApiGateway::Stage",
    Properties: {
      RestApiId: { Ref: "Rest" },
      StageName: rng.pick(["prod", "dev"]),
      DeploymentId: { Ref: "Deployment" },
      ...(rng.chance(0.6) ? { MethodSettings: [{ ResourcePath: "/*", HttpMethod: "*", LoggingLevel: rng.pick(["INFO", "ERROR", "OFF"]) }] } : {}),
      ...(rng.chance(0.6) ? { AccessLogSetting: { DestinationArn: rng.pick<Json>([{ "Fn::GetAtt": ["Logs", "Arn"] }, "arn:aws:logs:us-east-1:123456789012:log-group:/shop/access"]), Format: "$context.requestId" } } : {}),
      ...(rng.chance(0.3) ? { TracingEnabled: rng.pick([true, false]) } : {}),
    },
  }),
  deployment: () => ({ Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { Ref: "Rest" } } }),
  v2Api: (rng) => ({ Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "ws", ProtocolType: rng.pick(["WEBSOCKET", "HTTP"]), RouteSelectionExpression: "$request.body.action" } }),
  v2Stage: (rng) => ({
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: {
      ApiId: { Ref: "V2" },
      StageName: rng.pick(["prod", "$default"]),
      ...(rng.chance(0.5) ? { DefaultRouteSettings: { LoggingLevel: rng.pick(["INFO", "ERROR"]) } } : {}),
      ...(rng.chance(0.5) ? { AccessLogSettings: { DestinationArn: { "Fn::GetAtt": ["Logs", "Arn"] }, Format: "$context.requestId" } } : {}),
    },
  }),
  samApi: (rng) => ({
    Type: "AWS::Serverless::Api",
    Properties: {
      StageName: "prod",
      ...(rng.chance(0.5) ? { AccessLogSetting: { DestinationArn: { "Fn::GetAtt": ["Logs", "Arn"] }, Format: "$context.requestId" } } : {}),
      ...(rng.chance(0.5) ? { MethodSettings: [{ ResourcePath: "/*", HttpMethod: "*", LoggingLevel: "INFO" }] } : {}),
      ...(rng.chance(0.3) ? { TracingEnabled: true } : {}),
    },
  }),
  samHttpApi: () => ({ Type: "AWS::Serverless::HttpApi", Properties: { AccessLogSettings: { DestinationArn: { "Fn::GetAtt": ["Logs", "Arn"] }, Format: "$context.requestId" } } }),
  logGroup: (rng) => ({ Type: "AWS::Logs::LogGroup", Properties: rng.chance(0.6) ? ({ LogGroupName: rng.pick(["/shop/access", "/shop/fn", "/aws/lambda/shop-fn"]) } as Json) : { RetentionInDays: 7 } }),
  filter: () => ({ Type: "AWS::Logs::SubscriptionFilter", Properties: { LogGroupName: { Ref: "Logs" }, FilterPattern: "", DestinationArn: "arn:aws:lambda:us-east-1:999999999999:function:other" } }),
  queue: () => ({ Type: "AWS::SQS::Queue", Properties: { Tags: [{ Key: "team", Value: "shop" }] } }),
  signing: () => ({ Type: "AWS::Lambda::CodeSigningConfig", Properties: { AllowedPublishers: { SigningProfileVersionArns: ["arn:aws:signer:us-east-1:123456789012:/signing-profiles/mine/abc"] } } }),
  permission: () => ({ Type: "AWS::Lambda::Permission", Properties: { Action: "lambda:InvokeFunction", FunctionName: { Ref: "Fn0" }, Principal: "apigateway.amazonaws.com" } }),
  custom: () => ({ Type: "Custom::Thing", Properties: { ServiceToken: { "Fn::GetAtt": ["Fn0", "Arn"] }, Nested: { Ref: "AWS::NoValue" } } }),
};

/** The id a builder's resource is usually referred to by in the others (Fn0, Role, Rest, V2, Logs...). */
const CANONICAL_ID: Record<string, string> = {
  role: "Role", restApi: "Rest", v2Api: "V2", logGroup: "Logs", signing: "Signing", deployment: "Deployment", queue: "Queue",
};

export function generateTemplate(rng: Rng): JsonMap {
  const resources: JsonMap = {};
  const kinds = Object.keys(RESOURCE_BUILDERS);
  const wanted = ["role", "lambda", ...Array.from({ length: rng.int(1, 7) }, () => rng.pick(kinds))];
  let n = 0;
  for (const kind of wanted) {
    const id = CANONICAL_ID[kind] && !(CANONICAL_ID[kind] in resources) ? CANONICAL_ID[kind] : kind === "lambda" && !("Fn0" in resources) ? "Fn0" : `${kind[0].toUpperCase()}${kind.slice(1)}${n++}`;
    resources[id] = RESOURCE_BUILDERS[kind](rng, Object.keys(resources));
  }
  const template: JsonMap = {
    AWSTemplateFormatVersion: "2010-09-09",
    Parameters: {
      Stage: { Type: "String", Default: "prod", AllowedValues: ["prod", "dev"] },
      RuntimeParam: { Type: "String", Default: "python3.12" },
      ListParam: { Type: "CommaDelimitedList", Default: "a,b" },
      SsmKey: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/dd/key" },
      Index: { Type: "Number", Default: 0 },
    },
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } },
    Mappings: { Regions: { "us-east-1": { Name: "use1" } } },
    Resources: resources,
    Outputs: { FnArn: { Value: { "Fn::GetAtt": ["Fn0", "Arn"] }, Export: { Name: { "Fn::Sub": "${AWS::StackName}-fn" } } } },
  };
  if (rng.chance(0.4)) {
    template.Transform = "AWS::Serverless-2016-10-31";
    template.Globals = {
      Function: { Runtime: "python3.12", Timeout: 10, Environment: { Variables: { APP: "1" } }, ...(rng.chance(0.4) ? { Layers: ["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"] } : {}) },
      ...(rng.chance(0.5) ? { Api: { TracingEnabled: rng.pick([true, false]), MethodSettings: [{ LoggingLevel: "ERROR", ResourcePath: "/*", HttpMethod: "*" }] } } : {}),
    };
  }
  if (rng.chance(0.3)) (template.Mappings as JsonMap).Datadog = { Parameters: { nodeLayerVersion: "112", service: "shop" } };
  return template;
}
