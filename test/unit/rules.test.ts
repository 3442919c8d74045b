/**
 * Every rule of src/rules/table.ts fires on a realistic input, through the macro's entry points
 * (`transformFragment` via `run`, `transformWithLookups`, the handler's `respond`), with its id, its
 * severity and its fix; and README's troubleshooting table has a row for each of them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { respond } from "../../src/index";
import type { Logger } from "../../src/log";
import { LookupError, offlineAccountView, offlineLayerView, type AccountView } from "../../src/lookup/account-view";
import { cloudWatchAccountView } from "../../src/lookup/cloudwatch";
import { RULES, type Diagnostic } from "../../src/rules";
import { RULES_END, RULES_START, withRulesTable } from "../../src/rules/docs";
import { transformWithLookups, type MacroOutcome, type MacroRequest } from "../../src/transform";
import { ALL_LAYERS, REGION, VERSION, lambda, layerArn, run, template } from "../helpers/macro";
import { newerRuntime } from "../helpers/runtimes";
import { FORWARDER, INVOKE, node, python, samFunction, samTemplate, stateMachine } from "../helpers/builders";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey-AbCdEf";
const SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/datadog/api-key";

const image = (properties: Record<string, unknown> = {}) =>
  lambda({ PackageType: "Image", Code: { ImageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:latest" }, ...properties });
/** A function whose role already holds 10,240 characters of inline policy, and these managed policies. */
const roleWithFullPolicies = (managedPolicyArns: string[]) =>
  template({
    CreateOrder: python(),
    Role: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Statement: [] },
        ManagedPolicyArns: managedPolicyArns,
        Policies: [{ PolicyName: "Orders", PolicyDocument: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"o".repeat(10_000)}` }] } }],
      },
    },
  });
const silent: Logger = { log: () => undefined };

/** The request `run` builds, for the entry points that take one directly. */
function request(fragment: unknown, params: Record<string, unknown>): MacroRequest {
  return { fragment, params, region: REGION, templateParameterValues: {}, env: {}, macroVersion: VERSION, accountId: "123456789012" };
}

/** An account view whose every log lookup fails with `error` (every layer version exists). */
function failingView(error: Error): AccountView {
  return {
    logGroupNames: async () => Promise.reject(error),
    subscriptionFilters: async () => Promise.reject(error),
    stackResourceIds: async () => Promise.reject(error),
    layerVersionExists: async () => true,
  };
}

/** A template of about `bytes` bytes of JSON: a Python function and a padding resource. */
function templateOfAbout(bytes: number): Record<string, unknown> {
  const padding = (text: string) => template({ CreateOrder: python(), Padding: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { Text: text } } });
  return padding("x".repeat(bytes - JSON.stringify(padding("")).length));
}

/** A forwarder that must look up the log group of a function with a literal FunctionName. */
const lookedUp = () => ({ fragment: template({ CreateOrder: python({ FunctionName: "orders-create" }) }), params: { ...ALL_LAYERS, forwarderArn: FORWARDER } });

/**
 * The handler meeting a bug (a plain Error from the lookups, not a LookupError): the event as sent
 * (JSON copy taken before the call), and the response.
 */
async function internalError() {
  const { fragment, params } = lookedUp();
  const event = { requestId: "req-901", region: REGION, accountId: "123456789012", transformId: "123456789012::DatadogServerless", params, templateParameterValues: {}, fragment };
  const before = JSON.parse(JSON.stringify(event.fragment));
  const response = await respond(event, {}, silent, () => ({
    logGroupNames: async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'logGroups')");
    },
    subscriptionFilters: async () => [],
    stackResourceIds: async () => new Map(),
    layerVersionExists: async () => true,
  }));
  return { before, event, response };
}

/**
 * What a case gives: the core's outcome, or the error texts of a handler response that failed
 * (the handler answers CloudFormation with them; only E901 is reported there and nowhere else).
 */
type Result = MacroOutcome | string[];
type Case = () => Result | Promise<Result>;

/** A case named by the behaviour that makes its rule fire (the name shows in test titles). */
const restApi = () => ({ Type: "AWS::ApiGateway::RestApi", Properties: { Name: "shop" } });
const restStage = (properties: Record<string, unknown>) => ({ Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api" }, DeploymentId: "abc123", StageName: "prod", ...properties } });
const when = (behaviour: string, make: Case): Case => Object.defineProperty(make, "name", { value: behaviour });

/** Rules that cannot fire without another one: ignored when checking that a case fires its rule alone. */
const COMPANIONS: Record<string, string[]> = { W213: ["W220"], W214: ["W220"], E201: ["W203"] };

const CASES: Record<string, Case> = {
  // The request and the template as a whole.
  E101: when("a request without a fragment", () => run(undefined)),
  E102: when("a request without a region", () => run(template({ CreateOrder: python() }), ALL_LAYERS, { region: "" })),
  E103: when("Resources written as a list", () => run({ Resources: [python()] }, ALL_LAYERS)),
  E104: when("a forwarder adding a log group and a filter to each of 200 named functions", () => {
    const functions = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`Fn${i}`, python({ FunctionName: `orders-fn-${i}` })]));
    return run(template(functions), { ...ALL_LAYERS, forwarderArn: FORWARDER });
  }),
  E105: when("a template of 1,048,300 bytes that the macro instruments (it adds about 500)", () => run(templateOfAbout(1_048_300), ALL_LAYERS)),

  // Parameters.
  E110: when("a misspelt parameter name", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, servcie: "orders" })),
  E111: when("a parameter given under its name and its alias", () =>
    run(template({ CreateOrder: python() }), { ...ALL_LAYERS, minColdStartTraceDuration: 3, coldStartTraceMinDuration: 3 }),
  ),
  E112: when("transform parameters given as a list", () =>
    run(template({ CreateOrder: python() }, { Mappings: { Datadog: { Parameters: { pythonLayerVersion: 100 } } } }), ["pythonLayerVersion", 100] as never),
  ),
  E113: when("a CDK Datadog mapping whose Parameters is a string", () =>
    run(template({ CreateOrder: python() }, { Mappings: { Datadog: { Parameters: "pythonLayerVersion=100" } } }), ALL_LAYERS),
  ),
  E114: when("a layer version imported from another stack", () =>
    run(template({ CreateOrder: python() }), { pythonLayerVersion: { "Fn::ImportValue": "DatadogPythonLayerVersion" } }),
  ),
  E115: when("a layer version that is a Ref to an SSM-typed template parameter", () =>
    run(
      template({ CreateOrder: python() }, { Parameters: { PythonLayerVersion: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/datadog/python-layer-version" } } }),
      { pythonLayerVersion: { Ref: "PythonLayerVersion" } },
    ),
  ),
  E116: when("a layer version that is not a number", () => run(template({ CreateOrder: python() }), { pythonLayerVersion: "latest" })),
  E120: when("two API key parameters", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, apiKey: "0123456789abcdef", apiKeySecretArn: SECRET_ARN })),
  E121: when("a misspelt site", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, site: "datadoghq.co" })),
  E123: when("the extension without an API key", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, extensionLayerVersion: 78 })),
  E125: when("LLM Observability without an application name", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, llmObsEnabled: true })),
  E126: when("a secret name where its ARN is expected", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, apiKeySecretArn: "datadog/api-key" })),
  E127: when("App and API Protection without the extension", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, appsecEnabled: true })),
  E128: when("an env from SSM naming a state machine's new log group", () =>
    run(template({ Checkout: stateMachine({}, { invokes: "orders-create" }) }, { Parameters: { Env: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/orders/env" } } }), {
      stepFunctionForwarderArn: FORWARDER,
      env: { Ref: "Env" },
    }),
  ),

  // Functions.
  E201: when("a Python runtime newer than the macro's table, without pythonLayerVersion", () => run(template({ CreateOrder: python({ Runtime: newerRuntime("python") }) }))),
  E202: when("Node.js sending metrics synchronously with a Secrets Manager API key", () =>
    run(template({ CreateOrder: node() }), { ...ALL_LAYERS, apiKeySecretArn: SECRET_ARN, flushMetricsToLogs: false }),
  ),
  E204: when("environment variables near 4 KB before Datadog's are added", () =>
    run(template({ CreateOrder: python({ Environment: { Variables: { FEATURE_FLAGS: "f".repeat(4000) } } }) }), ALL_LAYERS),
  ),
  E205: when("a function with 50 tags of its own", () =>
    run(template({ CreateOrder: python({ Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `tag${i}`, Value: "v" })) }) }), ALL_LAYERS),
  ),
  E203: when("a function with four layers getting the library and the extension", () => {
    const layers = ["Shared", "Pandas", "Requests", "Crypto"].map((name) => `arn:aws:lambda:us-east-1:123456789012:layer:${name}:3`);
    return run(template({ CreateOrder: python({ Layers: layers }) }), { ...ALL_LAYERS, extensionLayerVersion: 78, apiKeySecretArn: SECRET_ARN });
  }),
  E207: when("a pinned pythonLayerVersion that does not exist", () =>
    transformWithLookups(request(template({ CreateOrder: python() }), { ...ALL_LAYERS, pythonLayerVersion: 1270 }), () =>
      offlineAccountView({}, {}, [layerArn("Datadog-Python312", 1270)]),
    ),
  ),

  E206: when("a role whose inline policies are full and which has 10 managed policies already", () =>
    run(roleWithFullPolicies(Array.from({ length: 10 }, (_, i) => `arn:aws:iam::123456789012:policy/orders-${i}`)), { ...ALL_LAYERS, apiKeySecretArn: SECRET_ARN }),
  ),

  // Forwarding.
  E131: when("a 300-character service written as a tag with a forwarder", () =>
    run(template({ CreateOrder: python({ FunctionName: "orders-create" }) }), { ...ALL_LAYERS, forwarderArn: FORWARDER, service: "s".repeat(300) }),
  ),
  E129: when("forwardLogGroups naming a function", () =>
    run(template({ CreateOrder: python({ FunctionName: "orders-create" }) }), { ...ALL_LAYERS, forwarderArn: FORWARDER, forwardLogGroups: ["CreateOrder"] }),
  ),
  E130: when("forwardLogGroups listing 201 groups", () =>
    run(template({}), { forwarderArn: FORWARDER, forwardLogGroups: Array.from({ length: 201 }, (_, i) => `/shop/g${i}`) }),
  ),
  E132: when("a forwarder of another region than the stack's", () =>
    run(template({ CreateOrder: python({ FunctionName: "orders" }) }), { ...ALL_LAYERS, forwarderArn: "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder" }),
  ),
  E304: when("execution logs of a REST API of the template without stackName", () =>
    run(template({ Api: restApi(), Prod: restStage({ MethodSettings: [{ HttpMethod: "*", ResourcePath: "/*", LoggingLevel: "INFO" }] }) }), { forwarderArn: FORWARDER, subscribeToExecutionLogs: true }),
  ),
  E301: when("a forwarder and a function without FunctionName or stackName", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, forwarderArn: FORWARDER })),
  E302: when("a macro role that may not describe log groups", () => {
    const { fragment, params } = lookedUp();
    const denied = new LookupError("User is not authorized to perform: logs:DescribeLogGroups", "DescribeLogGroups", true, "logs:DescribeLogGroups");
    return transformWithLookups(request(fragment, params), () => failingView(denied));
  }),
  E303: when("CloudWatch Logs throttling the lookups", () => {
    const { fragment, params } = lookedUp();
    const throttled = new LookupError("Rate exceeded", "DescribeLogGroups", false, "", "ThrottlingException: Rate exceeded");
    return transformWithLookups(request(fragment, params), () => failingView(throttled));
  }),
  E305: when("an invocation whose time is spent before the lookups could run", () => {
    const { fragment, params } = lookedUp();
    // The deadline has passed: the view sends nothing and gives up at once.
    return transformWithLookups(request(fragment, params), (deadline) => ({ ...cloudWatchAccountView({ region: REGION, deadline }), ...offlineLayerView() }), Date.now() - 1);
  }),

  // The macro itself.
  E901: when("a bug (a plain Error) during the lookups", async () => {
    const { response } = await internalError();
    expect(response.status).toBe("failure");
    return [response.errorMessage!.replace(/^DatadogServerless macro: /, "")];
  }),

  // Warnings about the request and parameters.
  W101: when("an SSM API key without the extension", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, apiKeySsmArn: SSM_ARN })),
  W102: when("FIPS mode for a commercial site", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, lambdaFips: true })),
  W103: when("exclude naming a function the template does not have", () =>
    run(template({ CreateOrder: python() }), { ...ALL_LAYERS, exclude: ["CreateOrders"] }),
  ),
  W105: when("forwardLogGroups without a forwarder", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, forwardLogGroups: ["/shop/jobs"] })),
  W106: when("an option of Datadog's plugin that means nothing for a macro", () =>
    run(template({ CreateOrder: python() }), { ...ALL_LAYERS, skipCloudformationOutputs: true }),
  ),
  W107: when("customHandler with redirectHandler false", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, customHandler: "wrap.handler", redirectHandler: false })),
  W104: when("a function deployed in China", () => run(template({ CreateOrder: python() }), ALL_LAYERS, { region: "cn-north-1" })),

  // Warnings about functions.
  W201: when("a container image function with instrumentContainerImages false", () => run(template({ CreateOrder: image() }), { ...ALL_LAYERS, instrumentContainerImages: false })),
  W202: when("a runtime Datadog does not instrument", () => run(template({ Legacy: lambda({ Runtime: "go1.x", Handler: "main" }) }), ALL_LAYERS)),
  W203: when("a runtime newer than the macro's table", () => run(template({ CreateOrder: python({ Runtime: newerRuntime("python") }) }), ALL_LAYERS)),
  W204: when("a deprecated runtime", () => run(template({ CreateOrder: node({ Runtime: "nodejs12.x" }) }), ALL_LAYERS)),
  W205: when("Python 3.7 on arm64", () => run(template({ CreateOrder: python({ Runtime: "python3.7", Architectures: ["arm64"] }) }), ALL_LAYERS)),
  W206: when("SAM Globals holding the Python 3.11 layer for a Python 3.12 function", () =>
    run(
      samTemplate({ CreateOrder: samFunction() }, { Layers: [layerArn("Datadog-Python311", 90)] }),
      ALL_LAYERS,
    ),
  ),
  W207: when("Layers given as a Ref to a CommaDelimitedList parameter", () =>
    run(
      template({ CreateOrder: python({ Layers: { Ref: "SharedLayers" } }) }, { Parameters: { SharedLayers: { Type: "CommaDelimitedList", Default: "" } } }),
      ALL_LAYERS,
    ),
  ),
  W208: when("Environment.Variables taken from a mapping", () =>
    run(
      template(
        { CreateOrder: python({ Environment: { Variables: { "Fn::FindInMap": ["Stages", { Ref: "Stage" }, "Variables"] } } }) },
        { Parameters: { Stage: { Type: "String", Default: "prod" } } },
      ),
      ALL_LAYERS,
    ),
  ),
  W222: when("an environment of about 3,950 bytes with a variable holding a queue's URL (a Ref the macro cannot resolve)", () =>
    run(template({ Jobs: { Type: "AWS::SQS::Queue" }, CreateOrder: python({ Environment: { Variables: { PAD: "p".repeat(3750), JOBS_URL: { Ref: "Jobs" } } } }) }), ALL_LAYERS),
  ),
  W210: when("a handler already Datadog's without DD_LAMBDA_HANDLER", () =>
    run(template({ CreateOrder: python({ Handler: "datadog_lambda.handler.handler" }) }), ALL_LAYERS),
  ),
  W211: when("a Python function without Handler", () => run(template({ CreateOrder: lambda({ Runtime: "python3.12" }) }), ALL_LAYERS)),
  W217: when("a function whose version a CloudFront distribution runs (Lambda@Edge)", () =>
    run(
      template({
        Edge: python(),
        EdgeVersion: { Type: "AWS::Lambda::Version", Properties: { FunctionName: { Ref: "Edge" } } },
        Cdn: { Type: "AWS::CloudFront::Distribution", Properties: { DistributionConfig: { DefaultCacheBehavior: { LambdaFunctionAssociations: [{ EventType: "viewer-request", LambdaFunctionARN: { Ref: "EdgeVersion" } }] } } } },
      }),
      ALL_LAYERS,
    ),
  ),
  W218: when("a function whose code signing config is outside the template", () =>
    run(template({ CreateOrder: python({ CodeSigningConfigArn: "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0" }) }), ALL_LAYERS),
  ),
  W219: when("a function with code signing in GovCloud, where Datadog documents no signing profile", () =>
    run(template({ CreateOrder: python({ CodeSigningConfigArn: "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:code-signing-config:csc-0123456789abcdef0" }) }), ALL_LAYERS, { region: "us-gov-west-1" }),
  ),
  W220: when("a container image function with a DatadogRuntime hint", () =>
    run(template({ CreateOrder: { ...image({ ImageConfig: { Command: ["app.handler"] } }), Metadata: { DatadogRuntime: "python3.12" } } }), ALL_LAYERS),
  ),
  W221: when("profiling asked for a Java function", () => run(template({ CreateOrder: lambda({ Runtime: "java21", Handler: "a.B::handle" }) }), { ...ALL_LAYERS, enableProfiling: true })),
  W223: when("a macro role that may not read layer versions", () => {
    const denied = new LookupError("not authorized to perform: lambda:GetLayerVersion", "GetLayerVersionByArn", true, "lambda:GetLayerVersion", "AccessDeniedException: not authorized");
    const view = (): AccountView => ({ ...offlineAccountView(), layerVersionExists: async () => Promise.reject(denied) });
    return transformWithLookups(request(template({ CreateOrder: python() }), ALL_LAYERS), view);
  }),
  I103: when("a template of 51,000 bytes that the macro instruments", () => run(templateOfAbout(51_000), ALL_LAYERS)),
  I101: when("a Python function without pythonLayerVersion (this release's default is used)", () => run(template({ CreateOrder: python() }))),
  E208: when("a state machine the macro leaves alone whose own tags are already past 50", () =>
    run(template({ CreateOrder: python(), Flow: stateMachine({ Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `team${i}`, Value: "orders" })) }, { invokes: "orders-create" }) }), ALL_LAYERS),
  ),
  I102: when("a role whose inline policies are full: the grants go to a managed policy", () => run(roleWithFullPolicies([]), { ...ALL_LAYERS, apiKeySecretArn: SECRET_ARN })),
  W213: when("a container image command without a DatadogRuntime hint", () =>
    run(template({ CreateOrder: image({ ImageConfig: { Command: ["app.handler"] } }) }), { ...ALL_LAYERS, instrumentContainerImages: true }),
  ),
  W214: when("a container image command given as a Ref", () =>
    run(
      template(
        { CreateOrder: { ...image({ ImageConfig: { Command: { Ref: "ImageCommand" } } }), Metadata: { DatadogRuntime: "python3.12" } } },
        { Parameters: { ImageCommand: { Type: "CommaDelimitedList", Default: "app.handler" } } },
      ),
      { ...ALL_LAYERS, instrumentContainerImages: true },
    ),
  ),
  W215: when("Tags included from S3 with AWS::Include", () =>
    run(template({ CreateOrder: python({ Tags: { "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://orders-templates/tags.yaml" } } } }) }), ALL_LAYERS),
  ),
  W216: when("X-Ray tracing for a function whose role is another stack's", () =>
    run(template({ CreateOrder: python({ Role: "arn:aws:iam::123456789012:role/shared-lambda-role" }) }), { ...ALL_LAYERS, enableXrayTracing: true }),
  ),

  // Warnings about log forwarding.
  W301: when("a FunctionName built from the stack name, without stackName", () =>
    run(template({ CreateOrder: python({ FunctionName: { "Fn::Sub": "${AWS::StackName}-create-order" } }) }), { ...ALL_LAYERS, forwarderArn: FORWARDER }),
  ),
  W304: when("a log group already subscribed to the forwarder by hand", () => {
    const { fragment, params } = lookedUp();
    return run(fragment, params, { logGroups: { "/aws/lambda/orders-create": [{ filterName: "to-datadog", destinationArn: FORWARDER }] } });
  }),
  W306: when("access logs sent to a Firehose stream", () =>
    run(template({ Api: restApi(), Prod: restStage({ AccessLogSetting: { DestinationArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-shop" } }) }), { forwarderArn: FORWARDER }),
  ),
  W307: when("forwardLogGroups naming a group that does not exist", () => run(template({}), { forwarderArn: FORWARDER, forwardLogGroups: ["/shop/jobs"] })),
  W308: when("an AppSync API whose LogConfig is an intrinsic function", () =>
    run(template({ Graph: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "shop", AuthenticationType: "API_KEY", LogConfig: { "Fn::If": ["Logs", { FieldLogLevel: "ALL" }, { Ref: "AWS::NoValue" }] } } } }, { Conditions: { Logs: { "Fn::Equals": ["a", "a"] } } }), { forwarderArn: FORWARDER, stackName: "shop" }),
  ),
  W305: when("a log group with two subscription filters going elsewhere", () => {
    const { fragment, params } = lookedUp();
    const elsewhere = (name: string) => ({ filterName: name, destinationArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` });
    return run(fragment, params, { logGroups: { "/aws/lambda/orders-create": [elsewhere("audit"), elsewhere("siem")] } });
  }),

  // Warnings about state machines.
  W401: when("a state machine logging configuration chosen by a condition", () =>
    run(
      template(
        { Checkout: stateMachine({ LoggingConfiguration: { "Fn::If": ["IsProd", { Level: "ALL" }, { Ref: "AWS::NoValue" }] } }, { invokes: "orders-create" }) },
        { Parameters: { Stage: { Type: "String", Default: "prod" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } } },
      ),
      { stepFunctionForwarderArn: FORWARDER },
    ),
  ),
  W403: when("a state machine logging errors only", () =>
    run(
      template({
        CheckoutLogs: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/aws/vendedlogs/states/checkout" } },
        Checkout: stateMachine({ LoggingConfiguration: { Level: "ERROR", Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["CheckoutLogs", "Arn"] } } }] } }, { invokes: "orders-create" }),
      }),
      { stepFunctionForwarderArn: FORWARDER },
    ),
  ),
  W404: when("a state machine definition in S3", () => {
    const checkout = stateMachine({}, { invokes: "orders-create" });
    delete (checkout.Properties as Record<string, unknown>).Definition;
    (checkout.Properties as Record<string, unknown>).DefinitionS3Location = { Bucket: "orders-artifacts", Key: "checkout.asl.json" };
    return run(template({ Checkout: checkout }), { stepFunctionForwarderArn: FORWARDER });
  }),
  W405: when("a Fn::Sub definition with a ${...} outside a JSON string", () => {
    const checkout = stateMachine({ DefinitionString: { "Fn::Sub": '{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":${WorkerArn},"End":true}}}' } }, { invokes: "orders-create" });
    delete (checkout.Properties as Record<string, unknown>).Definition;
    return run(template({ Checkout: checkout }), { stepFunctionForwarderArn: FORWARDER });
  }),
  W406: when("a Lambda invoke state with a custom Payload.$", () =>
    run(
      template({
        Checkout: stateMachine({ Definition: { StartAt: "Call", States: { Call: { Type: "Task", Resource: INVOKE, Parameters: { FunctionName: "orders-create", "Payload.$": "$.detail" }, End: true } } } }),
      }),
      { stepFunctionForwarderArn: FORWARDER },
    ),
  ),
  W407: when("a JSONata Lambda invoke state whose Payload is a string, not an expression", () =>
    run(
      template({
        Checkout: stateMachine({ Definition: { QueryLanguage: "JSONata", StartAt: "Call", States: { Call: { Type: "Task", Resource: INVOKE, Arguments: { FunctionName: "orders-create", Payload: "plain text" }, End: true } } } }),
      }),
      { stepFunctionForwarderArn: FORWARDER },
    ),
  ),
  W408: when("a JSONata Lambda invoke state, with nodeLayerVersion pinned before 116", () =>
    run(
      template({
        Checkout: stateMachine({ Definition: { QueryLanguage: "JSONata", StartAt: "Call", States: { Call: { Type: "Task", Resource: INVOKE, Arguments: { FunctionName: "orders-create" }, End: true } } } }),
      }),
      { stepFunctionForwarderArn: FORWARDER, nodeLayerVersion: 115 },
    ),
  ),

  // Datadog monitors.
  E501: when("a custom monitor without a query", () => run(template({ CreateOrder: python() }), { ...ALL_LAYERS, monitors: [{ orders_backlog: { name: "Backlog" } }] })),
  W501: when("the plugin's monitorsAppKey given to the macro", () =>
    run(template({ CreateOrder: python() }), { ...ALL_LAYERS, monitors: [{ high_error_rate: {} }], monitorsAppKey: "0123456789abcdef0123456789abcdef" }),
  ),
  W502: when("a recommended monitor id with a query of its own", () =>
    run(template({ CreateOrder: python() }), { ...ALL_LAYERS, monitors: [{ timeout: { query: "avg(last_5m):max:aws.lambda.duration.maximum{$scope} > 1000" } }] }),
  ),
};

const ruleById = new Map(RULES.map((rule) => [rule.id, rule]));

/** The case's diagnostics: the outcome's, or the handler's error texts (errors, as the response failed). */
function diagnosticsOf(result: Result): Diagnostic[] {
  if (!Array.isArray(result)) return result.diagnostics;
  return result.map((text) => ({ rule: /^\[(\w+)\]/.exec(text)?.[1] ?? "", severity: "error", text }));
}

const failed = (result: Result) => (Array.isArray(result) ? true : !result.ok);

describe("rules", () => {
  test("every rule has a case, and every case a rule", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(Object.keys(CASES).filter((id) => !ruleById.has(id))).toEqual([]);
    expect(ids.filter((id) => !(id in CASES))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(Object.entries(CASES).map(([id, make]) => [id, make.name, make] as const))("%s, for %s", (id, _behaviour, make) => {
    const rule = ruleById.get(id)!;

    test("fires alone, with its id, severity and fix", async () => {
      // An image always gets W220 (what the image must hold) besides what is about its command.
      const diagnostics = diagnosticsOf(await make()).filter((d) => !(COMPANIONS[id] ?? []).includes(d.rule));
      expect([...new Set(diagnostics.map((d) => d.rule))]).toEqual([id]);
      for (const diagnostic of diagnostics) {
        expect(diagnostic.severity).toBe(rule.severity);
        expect(diagnostic.text.startsWith(`[${id}] `)).toBe(true);
        expect(diagnostic.text.endsWith(rule.fix)).toBe(true);
      }
    });

    test(rule?.severity === "error" ? "fails the transform" : "keeps the transform successful", async () => {
      const result = await make();
      const diagnostics = diagnosticsOf(result);
      if (rule.severity === "error") {
        expect(failed(result)).toBe(true);
      } else {
        expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(failed(result)).toBe(false);
        const listed = rule.severity === "info" ? (result as MacroOutcome).notes : (result as MacroOutcome).warnings;
        expect(listed.some((text) => text.startsWith(`[${id}] `))).toBe(true);
      }
    });
  });

  test("E901: the handler answers with the fragment as CloudFormation sent it", async () => {
    const { before, event, response } = await internalError();
    expect(response).toMatchObject({ requestId: "req-901", status: "failure" });
    expect(response.errorMessage).toContain("[E901]");
    expect(response.errorMessage).toContain("req-901");
    expect(response.fragment).toEqual(before);
    expect(event.fragment).toEqual(before);
  });
});

describe("README troubleshooting table", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

  test("is the one generated from the rule table (run `npm run generate`)", () => {
    expect(withRulesTable(readme)).toBe(readme);
  });

  test("has one row per rule id", () => {
    const start = readme.indexOf("<!-- rules:start");
    const end = readme.indexOf(RULES_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(readme.indexOf(RULES_START)).toBe(start);
    expect(end).toBeGreaterThan(start);
    const rows = readme
      .slice(start, end)
      .split("\n")
      .map((line) => /^\| ([EWI]\d{3}) \| (error|warning|info) \|/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => `${match[1]} ${match[2]}`);
    expect(rows).toEqual(RULES.map((rule) => `${rule.id} ${rule.severity}`));
  });
});
