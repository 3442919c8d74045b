/** Where each function's logs go: its LoggingConfig group, `/aws/lambda/<name>`, or a generated name. */
import { isObject, own, ref, referencedLogicalId, sub, templateString, type Json, type JsonObject } from "../intrinsics";
import { functionProperty, FUNCTION_TYPES, type FunctionModel } from "../model";
import { LAMBDA_LOG_PREFIX } from "./names";
import type { AccountName } from "./subscriptions";
import { declaredGroupTarget, located, withoutVariables, type TargetBase, type TargetOutcome } from "./targets";
import { canonicalName, groupName, type TemplateLogs } from "./template-logs";


export interface TargetSettings {
  destination: string;
  stackName?: string;
  retentionInDays?: number;
}


export function functionLogTarget(fn: FunctionModel, resources: JsonObject, logs: TemplateLogs, settings: TargetSettings): TargetOutcome {
  const base = { ownerId: fn.logicalId, destination: settings.destination, retentionInDays: settings.retentionInDays, mayDeclare: true };
  const configured = own(functionProperty(fn, "LoggingConfig"), "LogGroup");
  if (configured !== undefined) {
    const declared = declaredGroupTarget(base, referencedLogicalId(configured), resources, logs);
    if (declared) return declared;
    const name = groupName(configured, logs);
    if (name === undefined) return { unresolved: "LoggingConfig.LogGroup" };
    return located(base, name, configured as Json, logs, withoutVariables(name) ? { name } : undefined, "LoggingConfig.LogGroup");
  }
  const functionName = functionProperty(fn, "FunctionName");
  if (functionName === undefined) return generatedNameTarget(base, fn.logicalId, logs, settings);
  const resolved = templateString(functionName, logs.context);
  // `FunctionName: !Ref Other`, a function CloudFormation names: its group is the one the other's is.
  const other = resolved === undefined ? undefined : /^\$\{([A-Za-z0-9]+)\}$/.exec(resolved)?.[1];
  const otherResource = other === undefined ? undefined : own(resources, other);
  if (other !== undefined && isObject(otherResource) && FUNCTION_TYPES.has(otherResource.Type as string) && own(otherResource.Properties, "FunctionName") === undefined) {
    return generatedNameTarget(base, other, logs, settings);
  }
  if (resolved === undefined || !withoutVariables(resolved)) {
    // A computed name the template itself declares a group for (`!Sub /aws/lambda/${Fn}`) is still found.
    const computed = resolved === undefined ? undefined : canonicalName(`${LAMBDA_LOG_PREFIX}${resolved}`, logs);
    const declared = computed === undefined ? undefined : logs.groupByName.get(computed);
    return computed !== undefined && declared !== undefined ? located(base, computed, ref(declared), logs, undefined) : { unresolved: "FunctionName" };
  }
  const name = `${LAMBDA_LOG_PREFIX}${resolved}`;
  return located(base, name, name, logs, { name });
}

/** The group of function `functionId`, which has no FunctionName: `/aws/lambda/<the name CloudFormation generates>`. */
function generatedNameTarget(base: TargetBase, functionId: string, logs: TemplateLogs, settings: TargetSettings): TargetOutcome {
  const name = `${LAMBDA_LOG_PREFIX}\${${functionId}}`;
  const accountName: AccountName | undefined = settings.stackName ? { stackName: settings.stackName, functionId } : undefined;
  if (!logs.groupByName.has(name) && !logs.creatorByName.has(name) && accountName === undefined) return { needsStackName: true };
  return located(base, name, sub(name), logs, accountName);
}
