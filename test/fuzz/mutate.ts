/**
 * The mutation engine: edits a case in place with values from values.ts, mostly inside Resources,
 * Globals, Parameters and the macro parameters, sometimes in the event and the macro's environment.
 */
import { PARAMETER_NAMES, PARAMETERS, type ParameterSpec } from "../../src/config/parameters";
import { RESOURCE_BUILDERS } from "./generated";
import { allPaths, copy, getKey, getPath, isMap, setKey, setPath, type Json, type JsonMap, type Path } from "./json";
import type { Rng } from "./prng";
import { gated, HANDLERS, intrinsic, namesOf, ownKey, PROTO_KEYS, RUNTIMES, scalar, UNICODE, weirdString, weirdValue, type Names } from "./values";

export interface FuzzCase {
  /** The fragment as CloudFormation would send it (absent: no fragment in the event). */
  fragment?: Json;
  /** The macro parameters (event `params`). */
  params?: Json;
  /** The other event fields (requestId, region, accountId, templateParameterValues, transformId...). */
  event: JsonMap;
  /** The macro function's environment. */
  env: Record<string, string>;
  /** What the account holds: log groups with their filters, the stack's physical ids. */
  account: { groups: JsonMap; stackResources: JsonMap };
  /** A string planted as secrets and environment values that must never be logged or echoed. */
  canary: string;
}

/** Resource kinds the macro may edit; everything else must come back byte-identical. */
export const INSTRUMENTED_TYPES = new Set([
  "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::IAM::Role", "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine",
  "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Lambda::CodeSigningConfig", "AWS::AppSync::GraphQLApi", "AWS::Serverless::GraphQLApi",
]);
/** The only kinds of resource the macro may add. */
export const ADDED_TYPES = new Set(["AWS::Logs::LogGroup", "AWS::Logs::SubscriptionFilter", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "Datadog::Monitors::Monitor"]);
const API_KEY_PARAMETERS = ["apiKey", "apiKMSKey", "apiKeySecretArn", "apiKeySsmArn"];
export const SECRET_PARAMETERS = ["apiKey", "apiKMSKey", "apiKeySecretArn", "apiKeySsmArn", "gitData"];

const PROPERTY_KEYS = [
  "Runtime", "Handler", "Layers", "Environment", "Variables", "Tags", "TracingConfig", "LoggingConfig", "FunctionName", "Role", "Architectures",
  "PackageType", "ImageConfig", "Command", "CodeUri", "Code", "Policies", "AutoPublishAlias", "CodeSigningConfigArn", "Events", "Timeout",
  "RoleArn", "DefinitionString", "Definition", "DefinitionSubstitutions", "LoggingConfiguration", "TracingConfiguration", "StateMachineName", "Destinations",
  "RestApiId", "ApiId", "StageName", "MethodSettings", "LoggingLevel", "AccessLogSetting", "AccessLogSettings", "DestinationArn", "DefaultRouteSettings",
  "TracingEnabled", "DeploymentId", "LogGroupName", "LogGroup", "RetentionInDays", "AllowedPublishers", "SigningProfileVersionArns", "ManagedPolicyArns",
  "AssumeRolePolicyDocument", "PolicyDocument", "Statement", "Mode", "Enabled", "Key", "Value",
];
const RESOURCE_KEYS = ["Type", "Properties", "Condition", "DependsOn", "Metadata", "DeletionPolicy", "UpdateReplacePolicy"];

/** A resource's Type when it is a string, "" otherwise. */
export function typeOf(resource: unknown): string {
  return isMap(resource) && typeof resource.Type === "string" ? resource.Type : "";
}

/** Plausible values for the fields the macro reads, by key. */
function domainFor(rng: Rng, key: string | number | undefined, names: Names): () => Json {
  const ids = names.resources.length ? names.resources : ["Missing"];
  switch (key) {
    case "Runtime":
      return () => rng.pick(RUNTIMES);
    case "Handler":
      return () => rng.pick(HANDLERS);
    case "Layers":
      return () => [rng.pick(["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Node20-x:110", "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60", "arn:aws:lambda:us-east-1:1:layer:a:1"]), "arn:aws:lambda:us-east-1:1:layer:b:2", "arn:aws:lambda:us-east-1:1:layer:c:3", "arn:aws:lambda:us-east-1:1:layer:d:4"].slice(0, rng.int(1, 4));
    case "Architectures":
      return () => [rng.pick(["arm64", "x86_64", "ARM64", ""])];
    case "PackageType":
      return () => rng.pick(["Zip", "Image", "zip"]);
    case "Type":
      return () => rng.pick([...INSTRUMENTED_TYPES, ...ADDED_TYPES, "AWS::SQS::Queue", "Custom::X", "AWS::Serverless::Application", "AWS::CloudFormation::Stack", "AWS::Lambda::LayerVersion", "aws::lambda::function", ""]);
    case "Role":
    case "RoleArn":
      return () => rng.pick<Json>([{ "Fn::GetAtt": [rng.pick(ids), "Arn"] }, "arn:aws:iam::123456789012:role/existing", { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/x" }]);
    case "DependsOn":
      return () => rng.pick<Json>([rng.pick(ids), [rng.pick(ids), "Missing"], []]);
    case "Condition":
      return () => rng.pick<Json>([...(names.conditions.length ? names.conditions : []), "MissingCondition", "constructor"]);
    case "LoggingLevel":
    case "Level":
      return () => rng.pick(["INFO", "ERROR", "OFF", "ALL", "info"]);
    case "StageName":
      return () => rng.pick(["prod", "$default", "Prod Stage", "a/b"]);
    case "DestinationArn":
    case "LogGroupArn":
      return () => rng.pick<Json>(["arn:aws:logs:us-east-1:123456789012:log-group:/shop/access", "arn:aws:logs:eu-west-1:1:log-group:x:*", { "Fn::GetAtt": [rng.pick(ids), "Arn"] }]);
    case "LogGroupName":
    case "LogGroup":
    case "FunctionName":
      return () => rng.pick<Json>(["/shop/access", "/aws/lambda/shop-fn", "shop-fn", { "Fn::Sub": "${AWS::StackName}-x" }, "/aws/vendedlogs/states/flow"]);
    case "DefinitionString":
      return () => rng.pick(["{}", "not json", '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}', '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"Payload.$":"$$.Execution"},"End":true}}}']);
    case "TracingEnabled":
    case "Enabled":
      return () => rng.pick<Json>([true, false, "true", "False"]);
    case "Variables":
      return () => ({ DD_SITE: rng.pick(["datadoghq.com", "bad"]), DD_LAMBDA_HANDLER: "app.handler", DD_API_KEY: "k", AWS_LAMBDA_EXEC_WRAPPER: "/opt/datadog_wrapper" });
    case "Tags":
      return () => rng.pick<Json>([[{ Key: "dd_sls_macro", Value: "v0" }, { Key: "service", Value: "x" }], { team: "shop" }, [{ Key: { Ref: "Stage" }, Value: "x" }]]);
    default:
      return () => scalar(rng);
  }
}

/** A path inside the part of the fragment a mutation aims at, or undefined when that part is empty. */
function targetPath(rng: Rng, fragment: JsonMap): Path | undefined {
  const section = rng.weighted<string>([[10, "Resources"], [2, "Globals"], [2, "Parameters"], [1, "Conditions"], [1, "Mappings"], [1, "Outputs"], [1, "Metadata"], [1, ""]]);
  if (section === "") return [rng.pick([...Object.keys(fragment), "Resources", "Globals", "Metadata"])];
  const root = fragment[section];
  if (section === "Resources" && isMap(root)) {
    const ids = Object.keys(root);
    if (ids.length === 0) return ["Resources"];
    // Resources the macro instruments get most of the attention, whatever their size.
    const weighted = ids.map((id) => [INSTRUMENTED_TYPES.has(typeOf(root[id])) ? 3 : 1, id] as const);
    const id = rng.weighted(weighted);
    const inside = allPaths(root[id], 12, ["Resources", id]);
    return inside.length === 0 || rng.chance(0.1) ? ["Resources", id] : rng.pick(inside);
  }
  if (root === undefined) return [section];
  const inside = allPaths(root, 12, [section]);
  return inside.length === 0 || rng.chance(0.1) ? [section] : rng.pick(inside);
}

function fragmentMutation(rng: Rng, fragment: JsonMap): void {
  const names = namesOf(fragment);
  const op = rng.weighted<string>([[10, "replace"], [4, "wrap"], [3, "delete"], [5, "add"], [3, "resource"], [2, "section"], [1, "parameter"]]);
  if (op === "resource") return resourceMutation(rng, fragment, names);
  if (op === "section") return sectionMutation(rng, fragment, names);
  if (op === "parameter") {
    const params = isMap(fragment.Parameters) ? fragment.Parameters : (fragment.Parameters = {});
    setKey(params, rng.pick(["P1", "Stage", "ListParam", "SsmKey", ...PROTO_KEYS]), rng.weighted<Json>([
      [3, { Type: rng.pick(["String", "CommaDelimitedList", "Number", "List<Number>", "AWS::SSM::Parameter::Value<String>", "AWS::SSM::Parameter::Value<List<String>>", "Bogus"]), Default: scalar(rng) }],
      [1, { Type: "String" }],
      [1, weirdValue(rng, names)],
    ]));
    return;
  }
  const path = targetPath(rng, fragment);
  if (path === undefined) return;
  const key = path[path.length - 1];
  const current = getPath(fragment, path) as Json | undefined;
  if (op === "replace") return setPath(fragment, path, weirdValue(rng, names, domainFor(rng, key, names)));
  if (op === "delete") return setPath(fragment, path, undefined);
  if (op === "wrap") {
    if (current === undefined) return;
    const wrapped = rng.weighted<() => Json>([
      [4, () => gated(rng, names, current)],
      [1, () => ({ "Fn::Select": [0, [current, "other"]] })],
      [1, (): Json => (typeof current === "string" ? { "Fn::Join": ["", [current]] } : { "Fn::If": ["IsProd", current, current] })],
      [1, () => (typeof current === "string" ? { "Fn::Sub": current } : [current])],
      [1, () => ({ "Fn::FindInMap": ["Missing", current, "x"] })],
    ])();
    return setPath(fragment, path, wrapped);
  }
  // add: a new key in a map at or above the path.
  let mapPath: Path = path;
  while (mapPath.length > 0 && !isMap(getPath(fragment, mapPath))) mapPath = mapPath.slice(0, -1);
  const map = getPath(fragment, mapPath);
  if (!isMap(map)) return;
  const newKey = rng.weighted<() => string>([[3, () => rng.pick(PROPERTY_KEYS)], [2, () => rng.pick(PROTO_KEYS)], [1, () => rng.pick(RESOURCE_KEYS)], [1, () => rng.pick(["Fn::If", "Ref", "Fn::Sub"])], [1, () => rng.pick(UNICODE)]])();
  setKey(map, newKey, weirdValue(rng, names, domainFor(rng, newKey, names)));
}

function resourceMutation(rng: Rng, fragment: JsonMap, names: Names): void {
  if (!isMap(fragment.Resources)) {
    if (rng.chance(0.5)) fragment.Resources = {};
    return;
  }
  const resources = fragment.Resources;
  const ids = Object.keys(resources);
  const newId = () => rng.weighted<() => string>([[6, () => `Fuzz${rng.int(0, 99)}`], [1, () => rng.pick(PROTO_KEYS)], [1, () => rng.pick(["a".repeat(255), "λ", "Fn0", "Role"])]])();
  const op = rng.weighted<string>([[4, "add"], [2, "duplicate"], [2, "type"], [1, "remove"], [1, "junk"], [2, "condition"], [1, "dependsOn"], [1, "many"]]);
  switch (op) {
    case "add": {
      const kind = rng.pick(Object.keys(RESOURCE_BUILDERS));
      setKey(resources, newId(), RESOURCE_BUILDERS[kind](rng, ids));
      return;
    }
    case "duplicate":
      if (ids.length) setKey(resources, newId(), copy(resources[rng.pick(ids)]));
      return;
    case "type": {
      const id = ids.length ? rng.pick(ids) : undefined;
      if (id && isMap(resources[id])) setKey(resources[id] as JsonMap, "Type", rng.chance(0.7) ? domainFor(rng, "Type", names)() : weirdValue(rng, names));
      return;
    }
    case "remove":
      if (ids.length) delete resources[rng.pick(ids)];
      return;
    case "junk":
      setKey(resources, ids.length && rng.chance(0.5) ? rng.pick(ids) : newId(), rng.chance(0.5) ? scalar(rng) : weirdValue(rng, names));
      return;
    case "condition": {
      const id = ids.length ? rng.pick(ids) : undefined;
      if (id && isMap(resources[id])) setKey(resources[id] as JsonMap, "Condition", domainFor(rng, "Condition", names)());
      return;
    }
    case "dependsOn": {
      const id = ids.length ? rng.pick(ids) : undefined;
      if (id && isMap(resources[id])) setKey(resources[id] as JsonMap, "DependsOn", rng.chance(0.7) ? domainFor(rng, "DependsOn", names)() : weirdValue(rng, names));
      return;
    }
    case "many": {
      // Close to CloudFormation's limit of 500 resources: what the macro adds must not cross it.
      const kind = rng.pick(["lambda", "queue", "restStage", "logGroup"]);
      const count = rng.pick([120, 240, 480, 499]);
      for (let i = 0; i < count; i++) setKey(resources, `Bulk${i}`, RESOURCE_BUILDERS[kind](rng, ids));
      return;
    }
  }
}

function sectionMutation(rng: Rng, fragment: JsonMap, names: Names): void {
  const section = rng.pick(["Globals", "Globals", "Conditions", "Mappings", "Metadata", "Outputs", "Resources", "Transform", "Parameters"]);
  if (section === "Globals" && rng.chance(0.7)) {
    const globals = isMap(fragment.Globals) ? fragment.Globals : (fragment.Globals = {});
    const part = rng.pick(["Function", "Api", "HttpApi", "StateMachine", "SimpleTable", "__proto__"]);
    const existing = getKey(globals, part);
    const value: JsonMap = isMap(existing) ? existing : {};
    const key = rng.pick(part === "Function" ? ["Runtime", "Handler", "Layers", "Environment", "Tags", "Tracing", "Architectures", "CodeUri"] : ["TracingEnabled", "MethodSettings", "AccessLogSetting", "AccessLogSettings", "Tracing"]);
    setKey(value, key, weirdValue(rng, names, domainFor(rng, key, names)));
    setKey(globals, part, rng.chance(0.85) ? value : weirdValue(rng, names));
    return;
  }
  if (section === "Mappings" && rng.chance(0.6)) {
    // Macro parameters can come from a `Datadog` mapping too.
    const mappings = isMap(fragment.Mappings) ? fragment.Mappings : (fragment.Mappings = {});
    const datadog = isMap(mappings.Datadog) ? mappings.Datadog : (mappings.Datadog = {});
    const parameters = isMap(datadog.Parameters) ? datadog.Parameters : (datadog.Parameters = {});
    const name = rng.pick(PARAMETER_NAMES);
    setKey(parameters, name, parameterValue(rng, name, names));
    return;
  }
  if (section === "Conditions" && rng.chance(0.6)) {
    const conditions = isMap(fragment.Conditions) ? fragment.Conditions : (fragment.Conditions = {});
    setKey(conditions, rng.pick(["IsProd", "Other", ...PROTO_KEYS]), rng.pick<Json>([{ "Fn::Equals": ["a", "a"] }, { Condition: "IsProd" }, { "Fn::Not": [{ Condition: "IsProd" }] }, null, "x"]));
    return;
  }
  setKey(fragment, section, rng.weighted<() => Json>([[2, () => weirdValue(rng, names)], [1, () => ({})], [1, () => null]])());
}

/** A value for macro parameter `name`: plausible, wrongly typed, an intrinsic, huge or odd. */
export function parameterValue(rng: Rng, name: string, names: Names): Json {
  const spec = (PARAMETERS as Record<string, ParameterSpec>)[name] as ParameterSpec | undefined;
  const plausible = (): Json => {
    switch (spec?.type) {
      case "boolean":
        return rng.pick<Json>([true, false, "true", "false", "True", "FALSE", "yes", "1", 0, 1]);
      case "integer":
        return rng.pick<Json>([0, 1, 7, 104, 120, "104", "-1", "1.5", -3, 1.5, 2 ** 40, "0x10", "1e2", "  12 "]);
      case "stringList":
        return rng.pick<Json>(["Fn0,Role", ["Fn0", "Stage0"], ["/shop/access", "Logs"], "", [], ["a", "b", "a"], ",,", ["constructor", "__proto__"]]);
      default:
        if (spec?.format === "arn") return rng.pick(["arn:aws:lambda:us-east-1:123456789012:function:forwarder", "arn:aws:secretsmanager:us-east-1:123456789012:secret:k", "arn:aws-cn:lambda:cn-north-1:1:layer:x:1", "arn:aws:lambda:eu-west-1:123456789012:function:other-region", "arn", "arn:aws:logs:us-east-1:123456789012:log-group:x"]);
        if (spec?.format === "accountId") return rng.pick(["123456789012", "12345", "abc"]);
        if (spec?.format === "gitData") return rng.pick(["0123456789abcdef0123456789abcdef01234567,https://github.com/o/r", "sha,https://user:pw@example.com/r.git", "nocomma"]);
        if (spec?.format === "logRetention") return rng.pick<Json>([0, 1, 7, 30, 31, 3653, "14"]);
        if (spec?.format === "appSecMode") return rng.pick(["on", "off", "tracer", "extension", "ON", "bogus"]);
        if (name === "site") return rng.pick(["datadoghq.com", "datadoghq.eu", "ddog-gov.com", "us5.datadoghq.com", "bad.site"]);
        if (name === "stackName") return rng.pick(["shop", "", "a".repeat(200), "stack with space"]);
        return rng.pick(["shop", "prod", "1.2.3", "x", ""]);
    }
  };
  return rng.weighted<() => Json>([
    [5, plausible],
    [3, () => intrinsic(rng, { ...names, parameters: names.parameters.length ? names.parameters : ["Stage"] }, plausible)],
    [3, () => scalar(rng)],
    [1, () => rng.pick<Json>([[], {}, [plausible()], { value: plausible() }])],
    [1, () => weirdString(rng)],
  ])();
}

function paramsMutation(rng: Rng, c: FuzzCase, names: Names): void {
  if (rng.chance(0.04)) {
    c.params = rng.pick<Json | undefined>([undefined, null, [], "addLayers=false", 42, [{ addLayers: false }]]);
    return;
  }
  const params: JsonMap = isMap(c.params) ? c.params : {};
  c.params = params;
  const name = rng.weighted<() => string>([
    [10, () => rng.pick(PARAMETER_NAMES)],
    [4, () => rng.pick(["forwarderArn", "subscribeToAccessLogs", "subscribeToExecutionLogs", "forwardLogGroups", "stackName", "enableXrayTracing", "stepFunctionForwarderArn", "mergeStepFunctionAndLambdaTraces", "propagateUpstreamTrace"])],
    [1, () => rng.pick(["coldStartTraceMinDuration", "ApiKey", "forwarderARN", "unknownParam", ...PROTO_KEYS])],
  ])();
  if (rng.chance(0.08)) delete params[name];
  else setKey(params, name, parameterValue(rng, name, names));
}

function eventMutation(rng: Rng, c: FuzzCase, names: Names): void {
  const field = rng.pick(["region", "region", "requestId", "templateParameterValues", "templateParameterValues", "accountId", "transformId", "fragment"]);
  switch (field) {
    case "region":
      if (rng.chance(0.2)) delete c.event.region;
      else c.event.region = rng.pick<Json>(["", null, 42, "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1", "eu-west-1", "ap-southeast-7", "us-iso-east-1", "xx-fake-9", "US-EAST-1", "λ", { Ref: "AWS::Region" }, "us-east-1".repeat(1000)]);
      return;
    case "requestId":
      if (rng.chance(0.2)) delete c.event.requestId;
      else c.event.requestId = rng.pick<() => Json>([() => "r".repeat(100_000), () => 7, () => null, () => ({ id: "x" }), () => rng.pick(UNICODE)])();
      return;
    case "templateParameterValues": {
      if (rng.chance(0.25)) {
        c.event.templateParameterValues = rng.pick<Json>([null, [], "Stage=prod", 1, ownKey("__proto__", null)]);
        if (rng.chance(0.3)) delete c.event.templateParameterValues;
        return;
      }
      const values: JsonMap = isMap(c.event.templateParameterValues) ? c.event.templateParameterValues : {};
      c.event.templateParameterValues = values;
      const key = rng.pick([...names.parameters, "Stage", "ListParam", "Unknown", ...PROTO_KEYS]);
      setKey(values, key, rng.weighted<() => Json>([[3, () => rng.pick<Json>(["prod", "dev", "a,b", ["a", "b"], "python3.12", "", "0", "arn:aws:lambda:us-east-1:123456789012:function:forwarder"])], [2, () => scalar(rng)], [1, () => weirdValue(rng, names)]])());
      return;
    }
    case "accountId":
      if (rng.chance(0.3)) delete c.event.accountId;
      else c.event.accountId = rng.pick<Json>(["", "1", 123456789012, null, "123456789012".repeat(100)]);
      return;
    case "transformId":
      c.event.transformId = rng.pick<Json>([null, "", "123456789012::Other"]);
      return;
    case "fragment":
      if (rng.chance(0.3)) c.fragment = rng.pick<Json | undefined>([undefined, null, [], "Resources: {}", 1, { Resources: null }, { Resources: [] }]);
      return;
  }
}

function envMutation(rng: Rng, c: FuzzCase): void {
  const names = PARAMETER_NAMES.map((name) => (PARAMETERS as Record<string, ParameterSpec>)[name].env).filter((env): env is string => env !== undefined);
  const name = rng.pick([...names, "LOG_LEVEL", "AWS_REGION"]);
  c.env[name] = rng.pick(["", "true", "False", "1", "abc", "104", "arn:aws:lambda:us-east-1:123456789012:function:forwarder", rng.pick(UNICODE), "x".repeat(10_000)]);
}

function accountMutation(rng: Rng, c: FuzzCase): void {
  const name = rng.pick(["/shop/access", "/aws/lambda/shop-fn", "/aws/lambda/orders", "API-Gateway-Execution-Logs_r1/prod", "/aws/apigateway/ws1/prod", "/aws/vendedlogs/states/orders-flow", "/shop/fn", "__proto__", "constructor"]);
  const filters = rng.pick<Json>([
    [],
    [{ filterName: "other", destinationArn: "arn:aws:lambda:us-east-1:999999999999:function:other" }],
    [{ filterName: "a", destinationArn: "x" }, { filterName: "b", destinationArn: "y" }],
    [{ filterName: "datadog-serverless-macro-stack-group", destinationArn: "arn:aws:lambda:us-east-1:123456789012:function:forwarder" }],
  ]);
  setKey(c.account.groups, name, filters);
  if (rng.chance(0.3)) setKey(c.account.stackResources, rng.pick(["Rest", "V2", "Api", "Fn0", "Logs", "constructor"]), rng.pick(["r1", "ws1", "", "a/b"]));
}

/** Applies a few mutations, chosen by `rng`, to `c` in place. */
export function mutateCase(rng: Rng, c: FuzzCase): void {
  const count = rng.geometric(0.55, 8);
  for (let i = 0; i < count; i++) {
    const names = namesOf(c.fragment);
    const where = rng.weighted<string>([[14, "fragment"], [5, "params"], [1, "event"], [1, "env"], [1, "account"]]);
    if (where === "fragment" && isMap(c.fragment)) fragmentMutation(rng, c.fragment);
    else if (where === "params") paramsMutation(rng, c, names);
    else if (where === "event") eventMutation(rng, c, names);
    else if (where === "env") envMutation(rng, c);
    else if (where === "account") accountMutation(rng, c);
  }
}

/** Removes every API key parameter (transform parameters, the Datadog mapping, the macro's environment). */
function clearApiKeys(c: FuzzCase): void {
  const mapping = isMap(c.fragment) && isMap(c.fragment.Mappings) && isMap(c.fragment.Mappings.Datadog) ? c.fragment.Mappings.Datadog.Parameters : undefined;
  for (const name of API_KEY_PARAMETERS) {
    if (isMap(c.params)) delete c.params[name];
    if (isMap(mapping)) delete mapping[name];
    delete c.env[(PARAMETERS as Record<string, ParameterSpec>)[name].env!];
  }
}

/** Puts the canary where a secret or an environment value goes: secret parameters, function environments. */
export function plantCanary(rng: Rng, c: FuzzCase): void {
  const spots = rng.int(1, 3);
  for (let i = 0; i < spots; i++) {
    const where = rng.weighted<string>([[3, "param"], [3, "variable"], [1, "mapping"], [1, "env"]]);
    if (where === "param") {
      if (!isMap(c.params)) continue;
      const name = rng.pick(SECRET_PARAMETERS);
      const value =
        name === "apiKeySecretArn" ? `arn:aws:secretsmanager:us-east-1:123456789012:secret:${c.canary}`
        : name === "apiKeySsmArn" ? `arn:aws:ssm:us-east-1:123456789012:parameter/${c.canary}`
        : name === "gitData" ? rng.pick([`0123456789abcdef0123456789abcdef01234567,https://github.com/o/${c.canary}`, `0123456789abcdef0123456789abcdef01234567,https://u:${c.canary}@github.com/o/r`, c.canary])
        : c.canary;
      // One API key parameter at most, or the case fails for that alone.
      if (name !== "gitData") clearApiKeys(c);
      setKey(c.params, name, rng.chance(0.85) ? value : rng.pick<Json>([{ "Fn::If": ["IsProd", value, { Ref: "AWS::NoValue" }] }, [value], { "Fn::Sub": value }]));
    } else if (where === "variable" && isMap(c.fragment) && isMap(c.fragment.Resources)) {
      const resources = c.fragment.Resources;
      const fns = Object.keys(resources).filter((id) => /Function$/.test(typeOf(resources[id])));
      if (fns.length === 0) continue;
      const fn = resources[rng.pick(fns)] as JsonMap;
      const properties = isMap(fn.Properties) ? fn.Properties : (fn.Properties = {});
      const environment = isMap(properties.Environment) ? properties.Environment : (properties.Environment = {});
      const variables = isMap(environment.Variables) ? environment.Variables : (environment.Variables = {});
      const name = rng.pick(["APP_SECRET", "DD_API_KEY", "DD_KMS_API_KEY", "DD_SITE", "DD_LAMBDA_HANDLER", "DD_TAGS", "DD_SERVICE", "DD_API_KEY_SECRET_ARN", "AWS_LAMBDA_EXEC_WRAPPER", "DD_LOG_LEVEL"]);
      setKey(variables, name, rng.chance(0.9) ? c.canary : { "Fn::If": ["IsProd", c.canary, { Ref: "AWS::NoValue" }] });
    } else if (where === "mapping" && isMap(c.fragment)) {
      const mappings = isMap(c.fragment.Mappings) ? c.fragment.Mappings : (c.fragment.Mappings = {});
      const datadog = isMap(mappings.Datadog) ? mappings.Datadog : (mappings.Datadog = {});
      const parameters = isMap(datadog.Parameters) ? datadog.Parameters : (datadog.Parameters = {});
      clearApiKeys(c);
      setKey(parameters, rng.pick(["apiKey", "apiKMSKey"]), c.canary);
    } else if (where === "env") {
      clearApiKeys(c);
      c.env[rng.pick(["DD_API_KEY", "DD_KMS_API_KEY"])] = c.canary;
    }
  }
}
