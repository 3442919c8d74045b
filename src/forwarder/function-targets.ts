/** Where each function's logs go: its LoggingConfig group, `/aws/lambda/<name>`, or a generated name. */
import { functionProperty, type FunctionModel } from "../discover";
import { isObject, referencedLogicalId, templateString, type Json, type JsonObject } from "../intrinsics";
import { LAMBDA_LOG_PREFIX } from "./names";
import type { AccountName, LogTarget } from "./subscriptions";
import { LOG_GROUP, type TemplateLogs } from "./template-logs";

export type TargetOutcome = { target: LogTarget } | { needsStackName: true } | { warning: string };

export interface TargetSettings {
  destination: string;
  stackName?: string;
  retentionInDays?: number;
}

const literal = (name: string | undefined) => (name !== undefined && !name.includes("${") ? name : undefined);

export function functionLogTarget(fn: FunctionModel, resources: JsonObject, logs: TemplateLogs, settings: TargetSettings): TargetOutcome {
  const base = { ownerId: fn.logicalId, destination: settings.destination, retentionInDays: settings.retentionInDays };
  const loggingConfig = functionProperty(fn, "LoggingConfig");
  const configured = isObject(loggingConfig) ? loggingConfig.LogGroup : undefined;

  if (configured !== undefined) {
    const declared = declaredGroupTarget(base, referencedLogicalId(configured), resources, logs);
    if (declared) return declared;
    const name = templateString(configured, logs.context);
    const unresolved = `${fn.logicalId}: LoggingConfig.LogGroup cannot be resolved at transform time; subscribe its log group to the forwarder yourself.`;
    return name === undefined ? { warning: unresolved } : located(base, name, configured as Json, logs, literal(name) ? { name } : undefined, unresolved);
  }

  const functionName = functionProperty(fn, "FunctionName");
  if (functionName === undefined) {
    const name = `${LAMBDA_LOG_PREFIX}\${${fn.logicalId}}`;
    const accountName: AccountName | undefined = settings.stackName ? { stackName: settings.stackName, functionId: fn.logicalId } : undefined;
    if (!logs.groupByName.has(name) && accountName === undefined) return { needsStackName: true };
    return located(base, name, { "Fn::Sub": name }, logs, accountName);
  }
  const resolved = templateString(functionName, logs.context);
  if (resolved === undefined || !literal(resolved)) {
    return { warning: `${fn.logicalId}: FunctionName cannot be resolved at transform time; subscribe its log group to the forwarder yourself, or give a literal FunctionName.` };
  }
  const name = `${LAMBDA_LOG_PREFIX}${resolved}`;
  return located(base, name, name, logs, { name });
}

type TargetBase = Pick<LogTarget, "ownerId" | "destination" | "retentionInDays">;

/** A target for the template's own LogGroup `groupId` (referenced by Ref or Fn::GetAtt), if it is one. */
export function declaredGroupTarget(base: TargetBase, groupId: string | undefined, resources: JsonObject, logs: TemplateLogs): TargetOutcome | undefined {
  const group = groupId === undefined ? undefined : resources[groupId];
  if (groupId === undefined || !isObject(group) || group.Type !== LOG_GROUP) return undefined;
  const name = isObject(group.Properties) ? templateString(group.Properties.LogGroupName, logs.context) : undefined;
  const exact = literal(name);
  return { target: { ...base, location: { kind: "declared", resourceId: groupId, accountName: exact ? { name: exact } : undefined }, keys: [groupId, ...(name ? [name] : [])], name: { Ref: groupId } } };
}

/**
 * A target for a group known by name: the template's own LogGroup when it declares one with that name,
 * else the group found in the account under `accountName`; `unfindable` is the warning when there is none.
 */
export function located(
  base: TargetBase,
  name: string,
  nameValue: LogTarget["name"],
  logs: TemplateLogs,
  accountName: AccountName | undefined,
  unfindable = `${base.ownerId}: its log group cannot be found at transform time; subscribe it to the forwarder yourself.`,
): TargetOutcome {
  const declared = logs.groupByName.get(name);
  if (declared !== undefined) {
    return { target: { ...base, location: { kind: "declared", resourceId: declared, accountName }, keys: [declared, name], name: { Ref: declared } } };
  }
  if (accountName === undefined) return { warning: unfindable };
  return { target: { ...base, location: { kind: "undeclared", accountName }, keys: [name], name: nameValue } };
}
