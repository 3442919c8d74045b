/**
 * Lambda@Edge: functions whose versions a CloudFront distribution runs (`LambdaFunctionAssociations`).
 * Lambda@Edge allows neither layers nor environment variables, so these functions get tags only.
 */
import { hasOwn, isObject, MAX_DEPTH, own, referencedIds, resolveString, type JsonObject, type TemplateContext } from "../intrinsics";
import { LAMBDA_ALIAS, LAMBDA_VERSION, functionProperty, type FunctionModel, type TemplateModel } from "./model";

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]` → name. */
const FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:([\w-]+)(?::[\w$-]+)?$/;

export function markEdgeFunctions(model: TemplateModel, context: TemplateContext): void {
  const byId = new Map(model.functions.map((fn) => [fn.logicalId, fn] as [string, FunctionModel]));
  const byName = new Map<string, FunctionModel>();
  for (const fn of model.functions) {
    const name = resolveString(functionProperty(fn, "FunctionName"), context);
    if (name !== undefined) byName.set(name, fn);
  }
  for (const distribution of model.distributionIds) {
    for (const arn of associatedArns(own(own(model.resources[distribution], "Properties"), "DistributionConfig"))) {
      for (const fn of functionsOf(arn, model.resources, byId, byName)) fn.edge ??= distribution;
    }
  }
}

/** Every `LambdaFunctionARN` of the distribution's cache behaviours (in any `Fn::If` branch). */
function associatedArns(config: unknown): unknown[] {
  const found: unknown[] = [];
  const pending: { value: unknown; depth: number }[] = [{ value: config, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (depth > MAX_DEPTH || typeof value !== "object" || value === null) continue;
    if (isObject(value) && hasOwn(value, "LambdaFunctionARN")) found.push(value.LambdaFunctionARN);
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
  return found;
}

/** The template's functions an association's ARN names: through a Version or Alias, a reference, or a literal ARN. */
function functionsOf(arn: unknown, resources: JsonObject, byId: Map<string, FunctionModel>, byName: Map<string, FunctionModel>): FunctionModel[] {
  if (typeof arn === "string") {
    const name = FUNCTION_ARN.exec(arn)?.[1];
    const fn = name === undefined ? undefined : byName.get(name);
    return fn ? [fn] : [];
  }
  const out: FunctionModel[] = [];
  const seen = new Set<string>();
  const pending = referencedIds(arn);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const fn = byId.get(id);
    if (fn) {
      out.push(fn);
      continue;
    }
    // A Version or an Alias names its function (and an Alias its Version) in its own properties.
    const resource = own(resources, id);
    if (isObject(resource) && (resource.Type === LAMBDA_VERSION || resource.Type === LAMBDA_ALIAS)) pending.push(...referencedIds(resource.Properties));
  }
  return out;
}
