/**
 * Reads the fragment into the model in one pass over `Resources`. Runtime, architecture and package
 * type are resolved here (every case of an `Fn::If`, literal, `Ref` to a parameter...) or marked
 * unresolved.
 */
import { hasOwn, isIntrinsic, isObject, MAX_POSSIBILITIES, merged, own, possibleStrings, possibleValues, resolveString, type JsonObject, type TemplateContext, type When } from "../intrinsics";
import { runtimeInfo, type Architecture } from "../runtimes";
import { API_STAGE_TYPES, readApiStages } from "./api";
import { readAppSyncApi } from "./appsync";
import { markEdgeFunctions } from "./edge";
import {
  APPSYNC_GRAPHQL_API,
  CDK_LOG_RETENTION,
  CLOUDFRONT_DISTRIBUTION,
  LAMBDA_FUNCTION,
  LOG_GROUP,
  SAM_FUNCTION_TAG,
  SERVERLESS_FUNCTION,
  SERVERLESS_GRAPHQL_API,
  SERVERLESS_STATE_MACHINE,
  STATE_MACHINE,
  SUBSCRIPTION_FILTER,
  functionProperty,
  type FunctionModel,
  type TemplateModel,
  type Variant,
} from "./model";

/** CDK's own functions, by logical id (stable hashes CDK uses for its singletons) or construct path. */
const CDK_FRAMEWORK_IDS = [
  /^Custom\w*CustomResourceProviderHandler[0-9A-F]{8}$/,
  /^LogRetention[0-9a-f]{32}/,
  /^AWS679f53fac002430cb0da5b7982bd2287/,
  /^BucketNotificationsHandler[0-9a-f]{32}/,
];
const CDK_FRAMEWORK_PATHS = [/\/Custom::[\w-]+\//, /\/framework-(onEvent|isComplete|onTimeout)\//];

export function discover(resources: JsonObject, globals: unknown, context: TemplateContext): TemplateModel {
  const samGlobals = own(globals, "Function");
  const functionGlobals = isObject(samGlobals) ? samGlobals : {};
  const model: TemplateModel = {
    resources,
    functions: [],
    stateMachines: [],
    apiStages: [],
    appSyncApis: [],
    logGroupIds: [],
    filterIds: [],
    distributionIds: [],
    retentionIds: [],
    createdByCdk: isCdkBootstrapped(context.parameterDeclarations),
  };
  const stageIds: string[] = [];
  for (const logicalId of Object.keys(resources)) {
    const resource = resources[logicalId];
    if (!isObject(resource)) continue;
    if (API_STAGE_TYPES.has(resource.Type as string)) stageIds.push(logicalId);
    if (!model.createdByCdk && (logicalId === "CDKMetadata" || hasCdkPath(resource))) model.createdByCdk = true;
    switch (resource.Type) {
      case LAMBDA_FUNCTION:
        model.functions.push(readFunction(logicalId, "lambda", resource, {}, context));
        break;
      case SERVERLESS_FUNCTION:
        model.functions.push(readFunction(logicalId, "serverless", resource, functionGlobals, context));
        break;
      case STATE_MACHINE:
      case SERVERLESS_STATE_MACHINE:
        model.stateMachines.push({ ...base(logicalId, resource), kind: resource.Type === STATE_MACHINE ? "cfn" : "sam" });
        break;
      case APPSYNC_GRAPHQL_API:
      case SERVERLESS_GRAPHQL_API:
        model.appSyncApis.push(readAppSyncApi(base(logicalId, resource), resource.Type));
        break;
      case LOG_GROUP:
        model.logGroupIds.push(logicalId);
        break;
      case SUBSCRIPTION_FILTER:
        model.filterIds.push(logicalId);
        break;
      case CLOUDFRONT_DISTRIBUTION:
        model.distributionIds.push(logicalId);
        break;
      case CDK_LOG_RETENTION:
        model.retentionIds.push(logicalId);
        break;
      case "AWS::CDK::Metadata":
        model.createdByCdk = true;
        break;
    }
  }
  // Only CDK adds its own functions; known once the whole template was read.
  if (model.createdByCdk) for (const fn of model.functions) fn.cdkFramework = isCdkFrameworkFunction(fn.logicalId, fn.resource);
  if (model.distributionIds.length > 0) markEdgeFunctions(model, context);
  model.apiStages = readApiStages(model, stageIds, globals, context, base);
  return model;
}

function base(logicalId: string, resource: JsonObject) {
  const raw = resource.Properties;
  const uneditable = isIntrinsic(raw)
    ? "its Properties is an intrinsic function (instrument each branch by hand, or give Properties as a map)"
    : raw !== undefined && !isObject(raw)
      ? "its Properties is not a map"
      : undefined;
  return {
    logicalId,
    resource,
    properties: isObject(raw) && uneditable === undefined ? raw : {},
    condition: typeof resource.Condition === "string" ? resource.Condition : undefined,
    uneditable,
  };
}

function hasCdkPath(resource: JsonObject): boolean {
  return isObject(resource.Metadata) && hasOwn(resource.Metadata, "aws:cdk:path");
}

function isCdkFrameworkFunction(logicalId: string, resource: JsonObject): boolean {
  const path = isObject(resource.Metadata) ? own(resource.Metadata, "aws:cdk:path") : undefined;
  return CDK_FRAMEWORK_IDS.some((pattern) => pattern.test(logicalId)) || (typeof path === "string" && CDK_FRAMEWORK_PATHS.some((pattern) => pattern.test(path)));
}

function readFunction(logicalId: string, kind: FunctionModel["kind"], resource: JsonObject, globals: JsonObject, context: TemplateContext): FunctionModel {
  const { properties, condition, uneditable } = base(logicalId, resource);
  const fn: FunctionModel = {
    logicalId,
    resource,
    properties,
    condition,
    uneditable,
    kind,
    globals,
    packageType: "Zip",
    createdBySam: kind === "serverless",
    cdkFramework: false,
    variants: [],
    // Declared from the start, even when absent: every function model then has one shape, and the
    // steps that read them all stay monomorphic.
    runtimeProblem: undefined,
    edge: undefined,
  };
  fn.packageType = readPackageType(fn, context);
  fn.createdBySam ||= hasTag(functionProperty(fn, "Tags"), SAM_FUNCTION_TAG, "SAM");
  readVariants(fn, context);
  return fn;
}

const ALWAYS: When = {};
const X86: { value: Architecture; when: When }[] = [{ value: "x86_64", when: ALWAYS }];
const ARM: { value: Architecture; when: When }[] = [{ value: "arm64", when: ALWAYS }];

/** Every (runtime, architecture) case of the function, or the reason they cannot be known. */
function readVariants(fn: FunctionModel, context: TemplateContext): void {
  if (fn.packageType === "unknown") {
    fn.runtimeProblem = "its PackageType cannot be resolved";
    return;
  }
  const architectures = readArchitectures(functionProperty(fn, "Architectures"), context);
  if (typeof architectures === "string") {
    fn.runtimeProblem = architectures;
    return;
  }
  let runtimes: { value: string | undefined; when: When }[];
  const rawRuntime = functionProperty(fn, "Runtime");
  if (fn.packageType === "Image") {
    // Images carry no Runtime: `Metadata.DatadogRuntime` says which Datadog handler the image holds.
    const hint = resolveString(own(fn.resource.Metadata, "DatadogRuntime"), context);
    runtimes = [{ value: hint, when: ALWAYS }];
  } else if (rawRuntime === undefined) {
    fn.runtimeProblem = "it has no Runtime";
    return;
  } else if (typeof rawRuntime === "string" && architectures.length === 1 && architectures[0].when === ALWAYS) {
    // The common case: a literal runtime and architecture share one read-only variant list.
    const shared = sharedVariants(rawRuntime, architectures[0].value);
    fn.variants = shared;
    if (shared[0].info === undefined) fn.runtimeProblem = `its runtime ${rawRuntime.slice(0, 60)} is not one Datadog instruments`;
    return;
  } else {
    const possible = possibleStrings(rawRuntime, context);
    if (!possible) {
      fn.runtimeProblem = "its Runtime is an intrinsic function the macro cannot resolve";
      return;
    }
    runtimes = possible;
  }
  if (runtimes.length * architectures.length > MAX_POSSIBILITIES) {
    fn.runtimeProblem = `its Runtime and Architectures together take more than ${MAX_POSSIBILITIES} combinations`;
    return;
  }
  const variants: Variant[] = [];
  fn.variants = variants;
  for (const runtime of runtimes) {
    for (const architecture of architectures) {
      const when = merged(runtime.when, architecture.when);
      if (when === undefined) continue;
      variants.push({ runtime: runtime.value, info: runtime.value === undefined ? undefined : runtimeInfo(runtime.value), architecture: architecture.value, when });
    }
  }
  const unknown = fn.packageType === "Zip" ? fn.variants.find((variant) => variant.info === undefined) : undefined;
  if (unknown) fn.runtimeProblem = `its runtime ${unknown.runtime?.slice(0, 60)} is not one Datadog instruments`;
}

const variantCache = new Map<string, { x86_64?: Variant[]; arm64?: Variant[] }>();

/** One frozen variant list per literal runtime and architecture (bounded, so a template cannot grow it without limit). */
function sharedVariants(runtime: string, architecture: Architecture): Variant[] {
  let entry = variantCache.get(runtime);
  if (entry === undefined) {
    entry = {};
    if (variantCache.size < 256) variantCache.set(runtime, entry);
  }
  return (entry[architecture] ??= Object.freeze([Object.freeze({ runtime, info: runtimeInfo(runtime), architecture, when: ALWAYS })]) as Variant[]);
}

/** `Architectures` (a list, or a whole intrinsic such as a `Ref` to a CommaDelimitedList), by case. */
function readArchitectures(raw: unknown, context: TemplateContext): { value: Architecture; when: When }[] | string {
  if (raw === undefined) return X86;
  // The common case, a literal list, without the resolver.
  if (Array.isArray(raw) && raw.length === 1) {
    if (raw[0] === "arm64") return ARM;
    if (raw[0] === "x86_64") return X86;
  }
  const possible = possibleValues(raw, context);
  if (!possible) return "its Architectures is an intrinsic function the macro cannot resolve";
  const out: { value: Architecture; when: When }[] = [];
  for (const { value, when } of possible) {
    const first = Array.isArray(value) ? value[0] : typeof value === "string" ? value.split(",")[0].trim() : value;
    if (first === undefined) out.push({ value: "x86_64", when });
    else if (first === "x86_64" || first === "arm64") out.push({ value: first, when });
    else return typeof first === "string" ? `its architecture ${first.slice(0, 40)} is unknown` : "its Architectures is not a list of architectures";
  }
  return out;
}

function readPackageType(fn: FunctionModel, context: TemplateContext): FunctionModel["packageType"] {
  const raw = functionProperty(fn, "PackageType");
  if (raw === undefined) {
    // SAM infers Image from ImageUri when PackageType is left out.
    return fn.kind === "serverless" && functionProperty(fn, "ImageUri") !== undefined ? "Image" : "Zip";
  }
  const value = resolveString(raw, context);
  return value === "Zip" || value === "Image" ? value : "unknown";
}

function hasTag(tags: unknown, key: string, value: string): boolean {
  if (Array.isArray(tags)) return tags.some((tag) => isObject(tag) && tag.Key === key && tag.Value === value);
  return own(tags, key) === value;
}

/** With CDK metadata turned off, the BootstrapVersion parameter of CDK's default synthesizer still tells. */
function isCdkBootstrapped(parameters: Record<string, unknown>): boolean {
  const bootstrap = own(parameters, "BootstrapVersion");
  const fallback = own(bootstrap, "Default");
  return typeof fallback === "string" && fallback.startsWith("/cdk-bootstrap/");
}
