/**
 * Reads the fragment into a small model of the functions to instrument. Runtime, architecture and
 * package type are resolved here (literal, `Ref` to a parameter, agreeing `Fn::If`) or marked unresolved.
 */
import { isObject, resolveString, type JsonObject, type TemplateContext } from "./intrinsics";
import { runtimeInfo, type Architecture, type RuntimeInfo } from "./runtimes";

export const LAMBDA_FUNCTION = "AWS::Lambda::Function";
export const SERVERLESS_FUNCTION = "AWS::Serverless::Function";
export const IAM_ROLE = "AWS::IAM::Role";

export type FunctionKind = "lambda" | "serverless";

export interface FunctionModel {
  logicalId: string;
  kind: FunctionKind;
  resource: JsonObject;
  /** `Globals.Function` for SAM functions: supplies properties the function does not set. */
  globals: JsonObject;
  /** Resolved runtime string, or undefined when absent or unresolvable (see `runtimeProblem`). */
  runtime?: string;
  runtimeInfo?: RuntimeInfo;
  runtimeProblem?: string;
  architecture?: Architecture;
  architectureProblem?: string;
  packageType: "Zip" | "Image" | "unknown";
  createdBySam: boolean;
  /** A function CDK itself adds (custom resource providers, log retention): infrastructure, not the user's code. */
  cdkFramework: boolean;
}

/** CDK's own functions, by logical id (stable hashes CDK uses for its singletons) or construct path. */
const CDK_FRAMEWORK_IDS = [
  /^Custom\w*CustomResourceProviderHandler[0-9A-F]{8}$/,
  /^LogRetention[0-9a-f]{32}/,
  /^AWS679f53fac002430cb0da5b7982bd2287/,
  /^BucketNotificationsHandler[0-9a-f]{32}/,
];
const CDK_FRAMEWORK_PATHS = [/\/Custom::[\w-]+\//, /\/framework-(onEvent|isComplete|onTimeout)\//];

function isCdkFrameworkFunction(logicalId: string, resource: JsonObject): boolean {
  const path = isObject(resource.Metadata) ? resource.Metadata["aws:cdk:path"] : undefined;
  return CDK_FRAMEWORK_IDS.some((pattern) => pattern.test(logicalId)) || (typeof path === "string" && CDK_FRAMEWORK_PATHS.some((pattern) => pattern.test(path)));
}

export interface TemplateModel {
  resources: JsonObject;
  functions: FunctionModel[];
  createdByCdk: boolean;
}

export function discover(resources: JsonObject, globals: unknown, context: TemplateContext): TemplateModel {
  const createdByCdk = isCdkTemplate(resources, context.parameterDeclarations);
  const functionGlobals = isObject(globals) && isObject(globals.Function) ? globals.Function : {};
  const functions: FunctionModel[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue;
    const kind = resource.Type === LAMBDA_FUNCTION ? "lambda" : resource.Type === SERVERLESS_FUNCTION ? "serverless" : undefined;
    if (kind === undefined) continue;
    functions.push(readFunction(logicalId, kind, resource, kind === "serverless" ? functionGlobals : {}, context));
  }
  return { resources, functions, createdByCdk };
}

/** The function's own property, else (SAM) the one from `Globals.Function`. */
export function functionProperty(fn: FunctionModel, key: string): unknown {
  const own = properties(fn.resource)[key];
  return own !== undefined ? own : fn.globals[key];
}

export function properties(resource: JsonObject): JsonObject {
  return isObject(resource.Properties) ? resource.Properties : {};
}

/** The resource's `Properties`, created when missing so that steps can write into it. */
export function writableProperties(resource: JsonObject): JsonObject {
  if (!isObject(resource.Properties)) resource.Properties = {};
  return resource.Properties as JsonObject;
}

function readFunction(logicalId: string, kind: FunctionKind, resource: JsonObject, globals: JsonObject, context: TemplateContext): FunctionModel {
  const fn: FunctionModel = {
    logicalId,
    kind,
    resource,
    globals,
    packageType: "Zip",
    createdBySam: kind === "serverless",
    cdkFramework: isCdkFrameworkFunction(logicalId, resource),
  };
  fn.packageType = readPackageType(fn, context);
  fn.createdBySam ||= hasTag(functionProperty(fn, "Tags"), "lambda:createdBy", "SAM");

  const rawRuntime = functionProperty(fn, "Runtime");
  if (rawRuntime === undefined) {
    if (fn.packageType === "Zip") fn.runtimeProblem = "it has no Runtime";
  } else {
    const runtime = resolveString(rawRuntime, context);
    if (runtime === undefined) fn.runtimeProblem = "its Runtime is an intrinsic function the macro cannot resolve";
    else {
      fn.runtime = runtime;
      fn.runtimeInfo = runtimeInfo(runtime);
      if (!fn.runtimeInfo) fn.runtimeProblem = `its runtime ${runtime} is not one Datadog instruments`;
    }
  }

  const rawArchitectures = functionProperty(fn, "Architectures");
  if (rawArchitectures === undefined) fn.architecture = "x86_64";
  else {
    const first = Array.isArray(rawArchitectures) ? rawArchitectures[0] : rawArchitectures;
    const resolved = Array.isArray(rawArchitectures) ? resolveString(first, context) : resolveFirst(rawArchitectures, context);
    if (resolved === "x86_64" || resolved === "arm64") fn.architecture = resolved;
    else fn.architectureProblem = resolved === undefined ? "its Architectures is an intrinsic function the macro cannot resolve" : `its architecture ${resolved} is unknown`;
  }
  return fn;
}

/** `Architectures` given whole as an intrinsic (e.g. `Ref` to a CommaDelimitedList parameter). */
function resolveFirst(value: unknown, context: TemplateContext): string | undefined {
  const whole = resolveString(value, context);
  return whole === undefined ? undefined : whole.split(",")[0].trim();
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
  return isObject(tags) && tags[key] === value;
}

/**
 * CDK templates carry a CDKMetadata resource or `aws:cdk:path` metadata, or, when both are turned off,
 * the BootstrapVersion parameter of CDK's default synthesizer.
 */
function isCdkTemplate(resources: JsonObject, parameters: Record<string, unknown>): boolean {
  const bootstrap = parameters.BootstrapVersion;
  if (isObject(bootstrap) && typeof bootstrap.Default === "string" && bootstrap.Default.startsWith("/cdk-bootstrap/")) return true;
  return Object.entries(resources).some(
    ([id, resource]) =>
      isObject(resource) && (id === "CDKMetadata" || resource.Type === "AWS::CDK::Metadata" || (isObject(resource.Metadata) && "aws:cdk:path" in resource.Metadata)),
  );
}
