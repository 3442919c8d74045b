/** Where each function's logs go: its LoggingConfig group, `/aws/lambda/<name>`, or a generated name. */
import { isObject, own, ref, referencedLogicalId, sub, templateString, type Json, type JsonObject } from "../intrinsics";
import { functionProperty, LAMBDA_FUNCTION, LOG_GROUP, SERVERLESS_FUNCTION, type FunctionModel } from "../model";
import { LOG_GROUP_UNRESOLVED, type Warnings } from "../rules";
import { LAMBDA_LOG_PREFIX } from "./names";
import type { AccountName, LogTarget } from "./subscriptions";
import { canonicalName, groupName, type TemplateLogs } from "./template-logs";

/** A group to subscribe; or why not: the stack name is needed, or what cannot be resolved at transform time. */
export type TargetOutcome = { target: LogTarget } | { needsStackName: true } | { unresolved: string };

export interface TargetSettings {
  destination: string;
  stackName?: string;
  retentionInDays?: number;
}

const literal = (name: string | undefined) => (name !== undefined && !name.includes("${") ? name : undefined);

export function functionLogTarget(fn: FunctionModel, resources: JsonObject, logs: TemplateLogs, settings: TargetSettings): TargetOutcome {
  const base = { ownerId: fn.logicalId, destination: settings.destination, retentionInDays: settings.retentionInDays, mayDeclare: true };
  const configured = own(functionProperty(fn, "LoggingConfig"), "LogGroup");
  if (configured !== undefined) {
    const declared = declaredGroupTarget(base, referencedLogicalId(configured), resources, logs);
    if (declared) return declared;
    const name = groupName(configured, logs);
    if (name === undefined) return { unresolved: "LoggingConfig.LogGroup" };
    return located(base, name, configured as Json, logs, literal(name) ? { name } : undefined, "LoggingConfig.LogGroup");
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
  if (resolved === undefined || !literal(resolved)) {
    // A computed name the template itself declares a group for (`!Sub /aws/lambda/${Fn}`) is still found.
    const computed = resolved === undefined ? undefined : canonicalName(`${LAMBDA_LOG_PREFIX}${resolved}`, logs);
    const declared = computed === undefined ? undefined : logs.groupByName.get(computed);
    return computed !== undefined && declared !== undefined ? located(base, computed, ref(declared), logs, undefined) : { unresolved: "FunctionName" };
  }
  const name = `${LAMBDA_LOG_PREFIX}${resolved}`;
  return located(base, name, name, logs, { name });
}

const FUNCTION_TYPES = new Set([LAMBDA_FUNCTION, SERVERLESS_FUNCTION]);

/** The group of function `functionId`, which has no FunctionName: `/aws/lambda/<the name CloudFormation generates>`. */
function generatedNameTarget(base: TargetBase, functionId: string, logs: TemplateLogs, settings: TargetSettings): TargetOutcome {
  const name = `${LAMBDA_LOG_PREFIX}\${${functionId}}`;
  const accountName: AccountName | undefined = settings.stackName ? { stackName: settings.stackName, functionId } : undefined;
  if (!logs.groupByName.has(name) && !logs.creatorByName.has(name) && accountName === undefined) return { needsStackName: true };
  return located(base, name, sub(name), logs, accountName);
}

/** Warns about a target that will not be subscribed (the stack-name case is an error, reported by the caller). */
export function warnUnsubscribed(ownerId: string, outcome: TargetOutcome, warnings: Warnings): void {
  if ("unresolved" in outcome) warnings.warn(LOG_GROUP_UNRESOLVED, { resource: ownerId, what: outcome.unresolved });
}

export type TargetBase = Pick<LogTarget, "ownerId" | "destination" | "retentionInDays" | "mayDeclare"> & Partial<Pick<LogTarget, "standalone" | "label" | "ownerCondition" | "filterScope">>;

/** A target for the template's own LogGroup `groupId` (referenced by Ref or Fn::GetAtt), if it is one. */
export function declaredGroupTarget(base: TargetBase, groupId: string | undefined, resources: JsonObject, logs: TemplateLogs): TargetOutcome | undefined {
  const group = groupId === undefined ? undefined : own(resources, groupId);
  if (groupId === undefined || !isObject(group) || group.Type !== LOG_GROUP) return undefined;
  const name = templateString(own(group.Properties, "LogGroupName"), logs.context);
  const exact = literal(name);
  return { target: { ...base, location: { kind: "declared", resourceId: groupId, accountName: exact ? { name: exact } : undefined }, keys: [groupId, ...(name ? [name] : [])], name: ref(groupId) } };
}

/**
 * A target for a group known by name: the template's own LogGroup when it declares one with that name,
 * else the group found in the account under `accountName`; without one, `what` could not be resolved.
 */
export function located(base: TargetBase, name: string, nameValue: LogTarget["name"], logs: TemplateLogs, accountName: AccountName | undefined, what = "its log group's name"): TargetOutcome {
  const declared = logs.groupByName.get(name);
  if (declared !== undefined) {
    return { target: { ...base, location: { kind: "declared", resourceId: declared, accountName }, keys: [declared, name], name: ref(declared) } };
  }
  const creator = logs.creatorByName.get(name);
  if (creator !== undefined) {
    return { target: { ...base, location: { kind: "created", creatorId: creator.creatorId, accountName }, keys: [name], name: creator.logGroupName } };
  }
  if (accountName === undefined) return { unresolved: what };
  // A group of the template may take this name under a Condition: declaring it too could fail with "already exists".
  if (logs.conditionalNames.has(name)) return { unresolved: `${what} (a LogGroup of the template is named so under a Condition)` };
  return { target: { ...base, location: { kind: "undeclared", accountName }, keys: [name], name: nameValue } };
}
