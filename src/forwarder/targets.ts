/**
 * The core every log target shares (functions, state machines, API stages, named groups): a group the
 * template declares, one a resource of the template creates, or one found in the account by name; or why
 * it cannot be subscribed.
 */
import { isObject, own, ref, templateString, type Json, type JsonObject } from "../intrinsics";
import { LOG_GROUP } from "../model";
import { LOG_GROUP_UNRESOLVED, type Warnings } from "../rules";
import type { AccountName, LogTarget } from "./subscriptions";
import type { TemplateLogs } from "./template-logs";

/**
 * A group to subscribe; or why not: the stack name is needed, what cannot be resolved at transform time,
 * or a destination this stack cannot subscribe (already warned about).
 */
export type TargetOutcome = { target: LogTarget } | { needsStackName: true } | { unresolved: string } | { elsewhere: true };

/** A name with no `${...}` left in it (nothing deferred to deploy time), else undefined. */
export const withoutVariables = (name: string | undefined): string | undefined => (name !== undefined && !name.includes("${") ? name : undefined);

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
  const exact = withoutVariables(name);
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

/**
 * A group AWS creates itself and names after an API's id (API Gateway's execution logs, AppSync's logs):
 * the template's own when it declares it (under the name as the template writes it, `templateName`, or
 * as the account knows it), else one to look up as `accountName` (undefined: the API does not exist yet,
 * nor does its group) and to declare, when it does not exist, under `nameValue`: the name as the template
 * writes it, the same on every deploy, so the declared group never changes.
 */
export function namedAfterApi(base: TargetBase, templateName: string, nameValue: Json, accountName: { name: string } | undefined, logs: TemplateLogs): TargetOutcome {
  const names = accountName === undefined ? [templateName] : [templateName, accountName.name];
  // A group the template declares, or one a resource of it creates (CDK's log retention), however it is written.
  const inTemplate = names.find((name) => logs.groupByName.has(name) || logs.creatorByName.has(name));
  if (inTemplate !== undefined) return located(base, inTemplate, nameValue, logs, accountName);
  // A group of the template may take this name under a Condition: declaring it too could fail with "already exists".
  if (names.some((name) => logs.conditionalNames.has(name))) return { unresolved: "its log group (a LogGroup of the template is named so under a Condition)" };
  // Keyed by owner too: two owners of one name under exclusive Conditions (never deployed together) each
  // get the group, under their own Condition, instead of the second relying on the first's.
  const keys = [templateName, ...(accountName ? [accountName.name] : [])].map((key) => `${key} (${base.ownerId})`);
  return { target: { ...base, location: { kind: "undeclared", accountName }, keys, name: nameValue } };
}
