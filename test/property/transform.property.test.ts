/**
 * Properties over generated templates: the handler never throws and always answers success or failure;
 * on success the transform is idempotent, adds environment values only as strings, and leaves every
 * resource it does not instrument untouched.
 */
import fc from "fast-check";
import { respond } from "../../src/index";
import { isObject } from "../../src/intrinsics";
import { offlineAccountView } from "../../src/lookup/account-view";
import { newerRuntime } from "../helpers/runtimes";

const silent = { log() {} };
const offline = () => offlineAccountView();
/** `FC_SEED=<seed> [FC_PATH=<path>]` replays a failure fast-check reported. */
const REPLAY = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) } : {};

const intrinsic = fc.oneof(
  fc.constant({ Ref: "RuntimeParam" }),
  fc.constant({ Ref: "AWS::NoValue" }),
  fc.constant({ Ref: "Unknown" }),
  fc.constant({ "Fn::GetAtt": ["Thing", "Attr"] }),
  fc.constant({ "Fn::Sub": "${AWS::Region}-x" }),
  fc.constant({ "Fn::ImportValue": "shared" }),
);
const withIf = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof(value, fc.tuple(value, value).map(([a, b]) => ({ "Fn::If": ["Cond", a, b] })));
const junk = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.string(), fc.constant([]), fc.constant({}));

const runtime = withIf(
  fc.oneof(
    fc.constantFrom("python3.12", "python3.7", newerRuntime("python"), "nodejs20.x", newerRuntime("nodejs"), "java21", "dotnet8", "ruby3.3", newerRuntime("ruby"), "provided.al2023", "go1.x", "nodejs8.10"),
    intrinsic,
    junk,
  ),
);
const layerArn = fc.constantFrom(
  "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python311:80",
  "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60",
  "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38",
);
const layers = withIf(fc.oneof(fc.array(fc.oneof(layerArn, intrinsic), { maxLength: 3 }), intrinsic, junk));
const variables = fc.oneof(
  fc.dictionary(fc.constantFrom("DD_SITE", "DD_LAMBDA_HANDLER", "APP", "DD_TAGS"), fc.oneof(fc.string(), intrinsic, fc.boolean())),
  intrinsic,
  junk,
);
const environment = withIf(fc.oneof(variables.map((Variables) => ({ Variables })), intrinsic, junk));
const tags = withIf(
  fc.oneof(
    fc.array(fc.record({ Key: fc.constantFrom("team", "dd_sls_macro", "lambda:createdBy"), Value: fc.constantFrom("a", "SAM") }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("team", "dd_sls_macro"), fc.string()),
    intrinsic,
    junk,
  ),
);
const roleRef = fc.oneof(fc.constant({ "Fn::GetAtt": ["Role", "Arn"] }), fc.constant({ "Fn::GetAtt": ["Missing", "Arn"] }), fc.constant("arn:aws:iam::1:role/x"), intrinsic, junk);

const functionProperties = fc.record(
  {
    Runtime: runtime,
    Handler: withIf(fc.oneof(fc.constantFrom("app.handler", "datadog_lambda.handler.handler"), intrinsic, junk)),
    Layers: layers,
    Environment: environment,
    Tags: tags,
    Architectures: fc.oneof(fc.constant(["arm64"]), fc.constant(["x86_64"]), fc.constant([{ Ref: "Arch" }]), intrinsic, junk),
    PackageType: fc.oneof(fc.constantFrom("Zip", "Image"), intrinsic, junk),
    Role: roleRef,
    TracingConfig: fc.oneof(fc.constant({ Mode: "PassThrough" }), junk),
    ImageConfig: fc.oneof(fc.constant({ Command: ["app.handler"] }), junk),
    Policies: fc.oneof(fc.constant("AWSLambdaBasicExecutionRole"), fc.constant([]), intrinsic, junk),
  },
  { requiredKeys: [] },
);

const resource = fc.oneof(
  fc.record({ Type: fc.constantFrom("AWS::Lambda::Function", "AWS::Serverless::Function"), Properties: fc.oneof(functionProperties, junk) }, { requiredKeys: ["Type"] }),
  fc.record({ Type: fc.constant("AWS::IAM::Role"), Properties: fc.oneof(fc.record({ Policies: fc.oneof(fc.constant([]), intrinsic, junk) }), junk) }),
  fc.record({ Type: fc.constant("AWS::SQS::Queue"), Properties: fc.record({ Tags: tags }) }),
  junk,
);

const params = fc.record(
  {
    pythonLayerVersion: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant("104"), junk),
    nodeLayerVersion: fc.integer({ min: 1, max: 200 }),
    javaLayerVersion: fc.integer({ min: 1, max: 200 }),
    dotnetLayerVersion: fc.integer({ min: 1, max: 200 }),
    rubyLayerVersion: fc.integer({ min: 1, max: 200 }),
    extensionLayerVersion: fc.integer({ min: 1, max: 200 }),
    apiKeySecretArn: fc.constant("arn:aws:secretsmanager:us-east-1:1:secret:k"),
    enableXrayTracing: fc.oneof(fc.boolean(), fc.constantFrom("true", "False")),
    addLayers: fc.boolean(),
    instrumentContainerImages: fc.boolean(),
    exclude: fc.constantFrom("F0", ["F1", "F2"], ""),
    tags: fc.constantFrom("team:a", ["a:b", "c:d:e"]),
    service: fc.oneof(fc.string(), intrinsic),
    site: fc.constantFrom("datadoghq.com", "datadoghq.eu", "bad.site"),
  },
  { requiredKeys: [] },
);

const fragment = fc.record(
  {
    Parameters: fc.constant({ RuntimeParam: { Type: "String", Default: "python3.12" }, Arch: { Type: "String", Default: "arm64" } }),
    Globals: fc.oneof(fc.record({ Function: fc.oneof(functionProperties, junk) }), junk),
    Mappings: fc.oneof(fc.constant({ Datadog: { Parameters: { nodeLayerVersion: "7" } } }), junk),
    Resources: fc.dictionary(fc.constantFrom("F0", "F1", "F2", "F3", "Role", "Queue"), resource, { maxKeys: 6 }),
  },
  { requiredKeys: ["Resources"] },
);

// The handler owns its event and edits it in place: give it what Lambda gives, a freshly parsed JSON copy
// (fast-check reuses constant objects, so a structured clone would keep them shared).
const event = (fragmentValue: unknown, paramsValue: unknown) => ({
  requestId: "r",
  region: "us-east-1",
  accountId: "123456789012",
  fragment: fragmentValue === undefined ? undefined : JSON.parse(JSON.stringify(fragmentValue)),
  params: paramsValue,
  templateParameterValues: {},
});

/** The path of a map that holds an intrinsic function's key and another key, which the input did not have already. */
function keyBesideIntrinsic(output: unknown, input: unknown, path = "$"): string | undefined {
  if (Array.isArray(output)) {
    for (let i = 0; i < output.length; i++) {
      const found = keyBesideIntrinsic(output[i], Array.isArray(input) ? input[i] : undefined, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (isObject(output)) {
    const keys = Object.keys(output);
    const intrinsicKey = keys.some((key) => key === "Ref" || key.startsWith("Fn::"));
    if (intrinsicKey && keys.length > 1 && JSON.stringify(output) !== JSON.stringify(input)) return path;
    for (const key of keys) {
      const found = keyBesideIntrinsic(output[key], isObject(input) ? input[key] : undefined, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** A string, or (a function whose runtime is an `Fn::If`) a string under some conditions and unset under the others. */
function stringValued(value: unknown): boolean {
  if (typeof value === "string") return true;
  const branches = isObject(value) ? (value as any)["Fn::If"] : undefined;
  if (Array.isArray(branches) && branches.length === 3 && Object.keys(value as object).length === 1) {
    return branches.slice(1).every((branch: unknown) => stringValued(branch) || (isObject(branch) && (branch as any).Ref === "AWS::NoValue"));
  }
  return false;
}

const INSTRUMENTED_TYPES = new Set(["AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::IAM::Role"]);

describe("handler over generated templates", () => {
  test("never throws and always answers success or failure with an errorMessage", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fragment, fc.anything()), fc.oneof(params, fc.anything()), async (f, p) => {
        const response = await respond(event(f, p), {}, silent, offline);
        expect(["success", "failure"]).toContain(response.status);
        if (response.status === "failure") expect(response.errorMessage).toMatch(/^DatadogServerless macro/);
        expect(response.errorMessage ?? "").not.toMatch(/internal error/);
      }),
      { numRuns: 400, ...REPLAY },
    );
  });

  test("is idempotent, leaves other resources untouched and adds only string environment values", async () => {
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(fragment, params, async (f, p) => {
        const first = await respond(event(f, p), {}, silent, offline);
        if (first.status !== "success") return;
        successes++;
        const second = await respond(event(first.fragment, p), {}, silent, offline);
        expect(second.status).toBe("success");
        expect(second.fragment).toEqual(first.fragment);

        expect(keyBesideIntrinsic(first.fragment, f)).toBeUndefined();
        const before = (f as any).Resources as Record<string, any>;
        const after = (first.fragment as any).Resources as Record<string, any>;
        expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
        for (const [id, resource] of Object.entries(before)) {
          if (!isObject(resource) || !INSTRUMENTED_TYPES.has(resource.Type as string)) expect(after[id]).toEqual(resource);
          const was = resource?.Properties?.Environment?.Variables;
          const now = after[id]?.Properties?.Environment?.Variables;
          if (isObject(now) && !("Fn::GetAtt" in now)) {
            for (const [name, value] of Object.entries(now)) {
              if (isObject(was) && name in was) expect(value).toEqual(was[name]);
              // A value deferred to deploy time (`service` as an intrinsic) is passed through as given.
              else if (name === "DD_SERVICE" && typeof value !== "string") expect(value).toEqual((p as any).service);
              else if (name !== "DD_LAMBDA_HANDLER") expect(stringValued(value)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 400, ...REPLAY },
    );
    // The property must be exercised, not vacuously true because every run failed validation.
    expect(successes).toBeGreaterThan(100);
  });
});

// API stages, log groups and state machines with a forwarder, execution logs and X-Ray: what the macro adds.
const level = fc.oneof(fc.constantFrom("INFO", "ERROR", "OFF", "info"), intrinsic, junk);
const destination = withIf(
  fc.oneof(
    fc.constant({ "Fn::GetAtt": ["Logs", "Arn"] }),
    fc.constant({ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}" }),
    fc.constantFrom("arn:aws:logs:us-east-1:123456789012:log-group:/shop/access", "arn:aws:firehose:us-east-1:123456789012:deliverystream/x", "arn:aws:logs:eu-west-1:1:log-group:x"),
    intrinsic,
    junk,
  ),
);
const apiRef = fc.oneof(fc.constant({ Ref: "Rest" }), fc.constant({ Ref: "Ws" }), fc.constant("abc123"), intrinsic, junk);
const stageName = fc.oneof(fc.constantFrom("prod", "$default"), intrinsic, junk);
const apiResource = fc.oneof(
  fc.record({
    Type: fc.constant("AWS::ApiGateway::Stage"),
    Condition: fc.constantFrom("Cond", undefined),
    DependsOn: fc.oneof(fc.constant("Logs"), fc.constant(["Logs"]), fc.constant(undefined)),
    Properties: fc.oneof(
      fc.record(
        {
          RestApiId: apiRef,
          StageName: stageName,
          TracingEnabled: fc.oneof(fc.boolean(), intrinsic),
          MethodSettings: fc.oneof(fc.array(fc.record({ LoggingLevel: level }), { maxLength: 2 }), intrinsic, junk),
          AccessLogSetting: fc.oneof(fc.record({ DestinationArn: destination }), intrinsic, junk),
        },
        { requiredKeys: [] },
      ),
      junk,
    ),
  }, { requiredKeys: ["Type"] }),
  fc.record({
    Type: fc.constant("AWS::ApiGatewayV2::Stage"),
    Properties: fc.record({ ApiId: apiRef, StageName: stageName, DefaultRouteSettings: fc.oneof(fc.record({ LoggingLevel: level }), junk), AccessLogSettings: fc.oneof(fc.record({ DestinationArn: destination }), junk) }, { requiredKeys: [] }),
  }),
  fc.record({ Type: fc.constant("AWS::Serverless::Api"), Properties: fc.record({ StageName: stageName, MethodSettings: fc.oneof(fc.constant([{ LoggingLevel: "INFO" }]), junk), TracingEnabled: fc.boolean() }, { requiredKeys: [] }) }),
  fc.record({
    Type: fc.constant("AWS::StepFunctions::StateMachine"),
    Properties: fc.record({ RoleArn: roleRef, TracingConfiguration: fc.oneof(fc.constant({ Enabled: false }), intrinsic, junk), DefinitionString: fc.constant('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}') }, { requiredKeys: ["DefinitionString"] }),
  }),
);
const apiFragment = fc.record({
  Transform: fc.constant("AWS::Serverless-2016-10-31"),
  Conditions: fc.constant({ Cond: { "Fn::Equals": ["a", "b"] } }),
  Parameters: fc.constant({ RuntimeParam: { Type: "String", Default: "python3.12" } }),
  Globals: fc.oneof(fc.record({ Api: fc.oneof(fc.record({ TracingEnabled: fc.boolean(), MethodSettings: fc.constant([{ LoggingLevel: "ERROR" }]) }, { requiredKeys: [] }), junk) }), junk),
  Resources: fc
    .tuple(
      fc.dictionary(fc.constantFrom("S0", "S1", "S2", "Machine"), apiResource, { maxKeys: 4 }),
      fc.oneof(fc.constant({ Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/shop/access" } }), fc.constant({ Type: "AWS::Logs::LogGroup", Condition: "Cond" }), junk),
      fc.option(fc.constant({ Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.h", CodeUri: "s3://b/k", FunctionName: "shop-fn", Events: { Get: { Type: "Api", Properties: { Path: "/", Method: "get" } } } } })),
    )
    .map(([stages, logs, fn]) => ({
      ...stages,
      Logs: logs,
      Rest: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "shop" } },
      Ws: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "ws", ProtocolType: "WEBSOCKET" } },
      Role: { Type: "AWS::IAM::Role", Properties: { Policies: [] } },
      ...(fn ? { Fn: fn } : {}),
    })),
});
const apiParams = fc.record(
  {
    forwarderArn: fc.constant("arn:aws:lambda:us-east-1:123456789012:function:forwarder"),
    stackName: fc.constant("shop"),
    addLayers: fc.constant(false),
    subscribeToAccessLogs: fc.boolean(),
    subscribeToExecutionLogs: fc.boolean(),
    forwardLogGroups: fc.constantFrom([], ["Logs"], ["/shop/other", "/shop/access"]),
    enableXrayTracing: fc.boolean(),
    stepFunctionForwarderArn: fc.constantFrom(undefined, "arn:aws:lambda:us-east-1:123456789012:function:forwarder"),
    exclude: fc.constantFrom([], ["S0"]),
  },
  { requiredKeys: ["forwarderArn", "stackName", "addLayers"] },
);
const ADDED_TYPES = new Set(["AWS::Logs::LogGroup", "AWS::Logs::SubscriptionFilter", "AWS::IAM::Role"]);
const API_INSTRUMENTED = new Set(["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::Serverless::Api", "AWS::StepFunctions::StateMachine", "AWS::IAM::Role", "AWS::Serverless::Function"]);

describe("handler over generated API, log group and state machine templates", () => {
  test("idempotent, no key beside an intrinsic, adds only log groups, filters and roles, edits only what it instruments", async () => {
    let successes = 0;
    const groups = { "/shop/access": [], "API-Gateway-Execution-Logs_r1/prod": [] };
    const view = () => offlineAccountView(groups, { Rest: "r1" });
    await fc.assert(
      fc.asyncProperty(apiFragment, apiParams, async (f, p) => {
        const first = await respond(event(f, p), {}, silent, view);
        expect(["success", "failure"]).toContain(first.status);
        if (first.status !== "success") return;
        successes++;
        const second = await respond(event(first.fragment, p), {}, silent, view);
        expect(second.fragment).toEqual(first.fragment);
        expect(keyBesideIntrinsic(first.fragment, f)).toBeUndefined();
        const before = (f as any).Resources as Record<string, any>;
        const after = (first.fragment as any).Resources as Record<string, any>;
        for (const [id, resource] of Object.entries(after)) {
          if (!(id in before)) expect(ADDED_TYPES.has(resource.Type)).toBe(true);
          else if (!API_INSTRUMENTED.has(before[id]?.Type)) expect(resource).toEqual(before[id]);
        }
        // Excluded stages are left exactly as they were.
        if ((p as any).exclude?.includes("S0") && "S0" in before) expect(after.S0).toEqual(before.S0);
      }),
      { numRuns: 400, ...REPLAY },
    );
    expect(successes).toBeGreaterThan(100);
  });
});
