/**
 * Values the mutator writes: intrinsic functions (well and badly formed), nulls, wrong types, huge
 * strings, unicode, prototype-ish keys, and plausible values of the fields the macro reads.
 */
import { isMap, setKey, type Json, type JsonMap } from "./json";
import type { Rng } from "./prng";

/** What a template offers to refer to. */
export interface Names {
  resources: string[];
  parameters: string[];
  conditions: string[];
  /** [map, top key, second key] triples that exist in Mappings. */
  mappings: Array<[string, string, string]>;
}

/** A map with one own key, whatever the key (an object literal's `__proto__` would set the prototype). */
export function ownKey(key: string, value: Json): JsonMap {
  const out: JsonMap = {};
  setKey(out, key, value);
  return out;
}

export function namesOf(fragment: unknown): Names {
  const section = (key: string) => (isMap(fragment) && isMap(fragment[key]) ? Object.keys(fragment[key] as JsonMap) : []);
  const mappings: Array<[string, string, string]> = [];
  if (isMap(fragment) && isMap(fragment.Mappings)) {
    for (const [map, tops] of Object.entries(fragment.Mappings)) {
      if (!isMap(tops)) continue;
      for (const [top, seconds] of Object.entries(tops)) if (isMap(seconds)) for (const second of Object.keys(seconds)) mappings.push([map, top, second]);
    }
  }
  return { resources: section("Resources"), parameters: section("Parameters"), conditions: section("Conditions"), mappings };
}

export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf"];
const PSEUDO = ["AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::Partition", "AWS::URLSuffix", "AWS::StackId", "AWS::NotificationARNs", "AWS::NoValue"];
export const UNICODE = [
  "λ-函数",
  "日本語のログ",
  "emoji-🐶🚀",
  "\u0000nul",
  "tab\tand\nnewline",
  "\u202Eright-to-left",
  "e\u0301\u0301combining",
  "\ud800lone-surrogate",
  "zero\u200bwidth",
  "quote\"and'back`tick\\",
  "${AWS::Region}",
  "${!Literal}",
  "%s%n%x",
  "../../etc/passwd",
  "<script>alert(1)</script>",
];
export const RUNTIMES = [
  "python3.12", "python3.8", "python3.13", "python3.99", "nodejs20.x", "nodejs22.x", "nodejs8.10", "nodejs99.x", "java21", "java8.al2", "dotnet8", "dotnet6",
  "ruby3.3", "ruby3.4", "provided.al2023", "provided", "go1.x", "PYTHON3.12", "python", "",
];
export const HANDLERS = ["app.handler", "index.handler", "datadog_lambda.handler.handler", "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler", "a.b.c", "", "no-dot"];
const ARNS = [
  "arn:aws:lambda:us-east-1:123456789012:function:forwarder",
  "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:100",
  "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60",
  "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38",
  "arn:aws:logs:us-east-1:123456789012:log-group:/shop/access",
  "arn:aws:logs:us-east-1:123456789012:log-group:/shop/access:*",
  "arn:aws:firehose:us-east-1:123456789012:deliverystream/x",
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey",
  "arn:aws:ssm:us-east-1:123456789012:parameter/dd-api-key",
  "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-FIPS:60",
  "arn:aws-cn:lambda:cn-north-1:123456789012:function:forwarder",
  "arn:aws:iam::123456789012:role/existing",
  "arn:",
  "arn:aws:lambda",
  "not-an-arn",
];
const LOG_GROUPS = ["/aws/lambda/fn", "/shop/access", "/aws/vendedlogs/states/x", "API-Gateway-Execution-Logs_r1/prod", "/aws/apigateway/ws1/prod", "", "/"];

const huge = (rng: Rng) => {
  const unit = rng.pick(["a", "λ", "🐶", "${AWS::Region}", "x,", "/", " "]);
  return unit.repeat(Math.ceil(rng.pick([10_000, 100_000, 100_001]) / unit.length));
};

export function weirdString(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => rng.pick(UNICODE)],
    [1, () => huge(rng)],
    [2, () => rng.pick(["", " ", "true", "False", "yes", "0", "-1", "1.5", "1e3", "NaN", "null", "undefined", "[]", "{}", "a,b,,c", ",", " , "])],
    [2, () => rng.pick(ARNS)],
    [2, () => rng.pick([...RUNTIMES, ...HANDLERS])],
    [1, () => rng.pick(LOG_GROUPS)],
    [1, () => rng.pick(PROTO_KEYS)],
    [1, () => "x".repeat(rng.int(1, 600))],
  ])();
}

export function scalar(rng: Rng): Json {
  return rng.weighted<() => Json>([
    [3, () => null],
    [2, () => rng.pick([true, false])],
    [2, () => rng.pick([0, -1, 1, 1.5, 7, 4096, 2 ** 31, 2 ** 53 + 1, 1e21, -1e-7, 1e308])],
    [6, () => weirdString(rng)],
  ])();
}

/** A name to Ref: a resource, a template parameter, a pseudo parameter, an unknown or prototype-ish name. */
function refTarget(rng: Rng, names: Names): Json {
  return rng.weighted<() => Json>([
    [4, () => (names.resources.length ? rng.pick(names.resources) : "Missing")],
    [3, () => (names.parameters.length ? rng.pick(names.parameters) : "MissingParam")],
    [3, () => "AWS::NoValue"],
    [2, () => rng.pick(PSEUDO)],
    [2, () => rng.pick(["Unknown", "DoesNotExist", "AWS::Unknown", ""])],
    [1, () => rng.pick(PROTO_KEYS)],
    [1, () => scalar(rng)],
  ])();
}

function condition(rng: Rng, names: Names): Json {
  return rng.weighted<() => Json>([
    [4, () => (names.conditions.length ? rng.pick(names.conditions) : "IsProd")],
    [2, () => "MissingCondition"],
    [1, () => rng.pick(PROTO_KEYS)],
    [1, () => scalar(rng)],
  ])();
}

/** An intrinsic function around `inner` (a value generator), well formed most of the time. */
export function intrinsic(rng: Rng, names: Names, inner: () => Json, depth = 0): Json {
  const sub = () => (depth < 3 && rng.chance(0.25) ? intrinsic(rng, names, inner, depth + 1) : inner());
  const noValue = { Ref: "AWS::NoValue" };
  const resource = () => (names.resources.length && rng.chance(0.8) ? rng.pick(names.resources) : rng.pick(["Missing", ...PROTO_KEYS]));
  return rng.weighted<() => Json>([
    [6, () => ({ Ref: refTarget(rng, names) })],
    [6, () => ({ "Fn::If": rng.chance(0.9) ? (rng.chance(0.5) ? [condition(rng, names), sub(), noValue] : [condition(rng, names), noValue, sub()]) : rng.pick<Json>([[condition(rng, names)], "Cond", [condition(rng, names), sub()], null]) })],
    [3, () => ({ "Fn::If": [condition(rng, names), sub(), sub()] })],
    [4, () => ({ "Fn::Sub": rng.weighted<() => Json>([
      [3, () => rng.pick(["${AWS::Region}-x", "${AWS::StackName}-fn", "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/x", "${Missing}", "${!Escaped}", "${", "plain"])],
      [2, () => `\${${resource()}}` + rng.pick(["", ".Arn", "-suffix"])],
      [2, () => `\${${names.parameters.length ? rng.pick(names.parameters) : "P"}}`],
      [2, () => ["${Var}-${AWS::Region}", { Var: sub() }]],
      [1, () => rng.pick<Json>([[], ["${A}"], ["x", null], 42, null, ["x", ownKey("__proto__", "y")]])],
    ])() })],
    [4, () => ({ "Fn::GetAtt": rng.weighted<() => Json>([
      [4, () => [resource(), rng.pick(["Arn", "RoleId", "Name", "RootResourceId", "Unknown", "__proto__"])]],
      [1, () => `${resource()}.Arn`],
      [1, () => rng.pick<Json>([[], [resource()], null, 3, [{ Ref: "X" }, "Arn"], [resource(), { Ref: "AttrParam" }]])],
    ])() })],
    [2, () => ({ "Fn::ImportValue": rng.chance(0.7) ? rng.pick(["shared-arn", "", "constructor"]) : { "Fn::Sub": "${AWS::StackName}-export" } })],
    [3, () => ({ "Fn::Select": rng.weighted<() => Json>([
      [3, () => [rng.pick<Json>([0, 1, "0", 5, -1, { Ref: "Index" }]), [sub(), sub()]]],
      [1, () => [0, { "Fn::Split": [",", rng.pick(["a,b", "${AWS::Region}"])] }]],
      [1, () => [0, { "Fn::GetAZs": "" }]],
      [1, () => rng.pick<Json>([[], [0], "x", null, [0, "notalist"]])],
    ])() })],
    [3, () => ({ "Fn::Join": rng.chance(0.85) ? [rng.pick(["", ",", ":", "-"]), [sub(), sub(), rng.pick<Json>(["x", { Ref: "AWS::Region" }])]] : rng.pick<Json>([[], [","], ",", [",", "notalist"], [",", { Ref: "ListParam" }]]) })],
    [3, () => ({ "Fn::FindInMap": rng.chance(0.6) && names.mappings.length ? [...rng.pick(names.mappings)] : rng.pick<Json>([["Missing", "a", "b"], ["Datadog", "Parameters", "apiKey"], [{ Ref: "AWS::Region" }, "x", "y"], ["M", "a"], "M"]) })],
    [1, () => ({ "Fn::Split": [",", sub()] })],
    [1, () => ({ "Fn::Base64": sub() })],
    [1, () => ({ "Fn::ToJsonString": { a: sub() } })],
    [1, () => ({ "Fn::Length": [sub()] })],
    [1, () => ({ "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://b/k" } } })],
    [1, () => ({ "Fn::Unknown": sub() })],
    [1, () => ({ Condition: condition(rng, names) })],
    // Already two keys side by side in the input: the macro must leave them as they are.
    [1, () => ({ Ref: refTarget(rng, names), Extra: "beside" })],
  ])();
}

/** A map or list shaped oddly: empty, prototype-ish keys, deep nesting, long lists. */
export function container(rng: Rng, names: Names, inner: () => Json): Json {
  return rng.weighted<() => Json>([
    [3, () => rng.pick<Json>([[], {}])],
    [3, () => {
      const out: JsonMap = {};
      for (let i = rng.int(1, 3); i > 0; i--) setKey(out, rng.pick([...PROTO_KEYS, "Variables", "Key", "Value", "Mode", "Enabled"]), inner());
      return out;
    }],
    [2, () => Array.from({ length: rng.int(1, 4) }, inner)],
    [1, () => Array.from({ length: rng.pick([200, 1000]) }, () => rng.pick<Json>(["x", 1, null]))],
    [1, () => {
      let node: Json = inner();
      for (let i = rng.pick([10, 63, 64, 65, 100, 300]); i > 0; i--) node = rng.chance(0.5) ? { a: node } : [node];
      return node;
    }],
    [1, () => intrinsic(rng, names, () => container(rng, names, () => scalar(rng)))],
  ])();
}

/** Anything the mutator may write where a value was. */
export function weirdValue(rng: Rng, names: Names, domain: () => Json = () => scalar(rng)): Json {
  return rng.weighted<() => Json>([
    [8, () => intrinsic(rng, names, () => (rng.chance(0.5) ? domain() : scalar(rng)))],
    [4, () => scalar(rng)],
    [3, () => domain()],
    [2, () => container(rng, names, () => scalar(rng))],
  ])();
}

/** Wraps a value the way templates gate it: `Fn::If` with `AWS::NoValue` on one side. */
export function gated(rng: Rng, names: Names, value: Json): Json {
  const noValue = { Ref: "AWS::NoValue" };
  return { "Fn::If": rng.chance(0.5) ? [condition(rng, names), value, noValue] : [condition(rng, names), noValue, value] };
}

export { isMap };
