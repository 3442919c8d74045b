/**
 * Declarative log subscriptions: for each log group to forward, decide from the template and the
 * account lookups what the stack must declare, and write it. Nothing here calls AWS.
 *
 * Redeploys are stable without state: a group the macro declares gets a filter named
 * OWNED_GROUP_FILTER, so when the next lookup finds the group with that filter, the group is known to
 * belong to this stack and is declared again, identically. No combination removes a group from a stack
 * without `Retain`, so CloudFormation never deletes a log group or its events.
 */
import { ref, type Json, type JsonObject } from "../intrinsics";
import type { LogFacts, LogGroupQuery } from "../lookup/gather";
import type { SubscriptionFilterInfo } from "../lookup/account-view";
import { LOG_GROUP, SUBSCRIPTION_FILTER, type TemplateDraft } from "../model";
import { ALREADY_FORWARDING, FILTER_LIMIT, GROUP_NOT_FOUND, type Warnings } from "../rules";
import { generatedNamePrefix, matchesGeneratedName } from "./names";
import { declaredFilters, declareGroup, groupName, recordFilter, type TemplateLogs } from "./template-logs";

export const FILTER_NAME = "datadog-serverless-macro";
export const OWNED_GROUP_FILTER = "datadog-serverless-macro-stack-group";
/** CloudWatch Logs allows two subscription filters per log group. */
const FILTERS_PER_GROUP = 2;

/** How to find the group in the account: by exact name, or as the group of a function CloudFormation named. */
export type AccountName = { name: string } | { stackName: string; functionId: string };

export type GroupLocation =
  | { kind: "declared"; resourceId: string; accountName?: AccountName }
  /** Created at deploy time by another resource of the template (CDK's log retention): subscribed after it. */
  | { kind: "created"; creatorId: string; accountName?: AccountName }
  /** Not in the template. Without `accountName` the group cannot exist yet (its API is new). */
  | { kind: "undeclared"; accountName?: AccountName };

export interface LogTarget {
  /** The resource the group belongs to; derived logical ids and filter names start with it. */
  ownerId: string;
  /** Set when `ownerId` names no resource of the template (a group given by name): nothing's Condition to carry. */
  standalone?: boolean;
  /** The owner's Condition when the owner is not in the template (SAM's implicit API). */
  ownerCondition?: string;
  /**
   * The stack's name, in the filter's name on a group several stacks may subscribe (one the user named):
   * another stack's filter then reads as "already forwarding", not as this stack's own.
   */
  filterScope?: string;
  /** Between the owner and the suffix of derived ids, when an owner has several groups (`AccessLogs`). */
  label?: string;
  /**
   * Whether the macro may declare the group when it does not exist: true for groups only AWS writes to
   * (a function's, an API's execution logs); false for groups the user named, which another stack may create.
   */
  mayDeclare: boolean;
  destination: string;
  location: GroupLocation;
  /** Keys under which the template's filters on this group are indexed (see TemplateLogs). */
  keys: string[];
  /** LogGroupName of the group the macro declares, and what a filter by name uses. */
  name: Json;
  retentionInDays?: number;
}

export function queryFor(target: LogTarget): LogGroupQuery | undefined {
  const accountName = target.location.accountName;
  if (accountName === undefined) return undefined;
  if ("name" in accountName) return { name: accountName.name };
  const { stackName, functionId } = accountName;
  return { prefix: generatedNamePrefix(stackName, functionId), matches: (name) => matchesGeneratedName(name, stackName, functionId) };
}

function accountFilters(target: LogTarget, facts: LogFacts): { exists: boolean; filters: SubscriptionFilterInfo[] } {
  const accountName = target.location.accountName;
  if (accountName === undefined) return { exists: false, filters: [] };
  const names = [...facts.groups.keys()].filter((name) =>
    "name" in accountName ? name === accountName.name : matchesGeneratedName(name, accountName.stackName, accountName.functionId),
  );
  return { exists: names.length > 0, filters: names.flatMap((name) => facts.groups.get(name) ?? []) };
}

/**
 * The filter name of `ownerId`'s subscription on a group the stack does not declare: one per function,
 * so a filter another stack's function put on a shared group (LoggingConfig) reads as "already
 * forwarding" rather than as this stack's, which would make CloudFormation fail with "already exists".
 */
export function filterNameFor(ownerId: string): string {
  return `${FILTER_NAME}-${ownerId}`.slice(0, 512);
}

/** Filters this target's own earlier deploys made: its name, the stack-owned group's, or (older macro versions) the shared one. */
const isOurs = (filter: SubscriptionFilterInfo, owner: string, mayDeclare: boolean) =>
  filter.filterName === filterNameFor(owner) || (mayDeclare && filter.filterName === OWNED_GROUP_FILTER) || filter.filterName === FILTER_NAME;

export interface SubscriptionResult {
  /** The LogGroup the macro declared for this target, if it did. */
  declaredGroupId?: string;
}

/** Decides and writes what `target` needs; returns the group it declared, if any. */
export function subscribe(target: LogTarget, facts: LogFacts, logs: TemplateLogs, draft: TemplateDraft, warnings: Warnings): SubscriptionResult {
  const inTemplate = declaredFilters(logs, target.keys);
  // Already forwarded by the template itself (the user's filter, or ours from an earlier transform).
  if (inTemplate.some((filter) => filter.destination === target.destination)) return {};

  const account = accountFilters(target, facts);
  const owner = `${target.filterScope === undefined ? "" : `${target.filterScope}-`}${target.ownerId}${target.label ?? ""}`;
  const undeclared = target.location.kind === "undeclared";
  if (undeclared && !account.exists && !target.mayDeclare) {
    const accountName = target.location.accountName;
    warnings.warn(GROUP_NOT_FOUND, { resource: target.ownerId, name: accountName !== undefined && "name" in accountName ? accountName.name : typeof target.name === "string" ? target.name : "(a computed name)" });
    return {};
  }
  // A group the macro never declares (one the user named) is not this stack's, whatever filter it has:
  // another stack's `stack-group` filter on it is someone else's.
  const ownsGroup = undeclared && target.mayDeclare && (!account.exists || account.filters.some((f) => f.filterName === OWNED_GROUP_FILTER));
  const others = account.filters.filter((filter) => !isOurs(filter, owner, target.mayDeclare));
  const forwarding = others.find((filter) => filter.destinationArn === target.destination);
  if (!ownsGroup && forwarding) {
    warnings.warn(ALREADY_FORWARDING, { resource: target.ownerId, destination: target.destination, filter: forwarding.filterName });
    return {};
  }
  if (!ownsGroup && others.length + inTemplate.length >= FILTERS_PER_GROUP) {
    warnings.warn(FILTER_LIMIT, { resource: target.ownerId });
    return {};
  }

  let logGroupName: Json = target.name;
  let declaredGroupId: string | undefined;
  const refersTo: string[] = [];
  let dependsOn: string | undefined;
  if (target.location.kind === "declared") {
    logGroupName = ref(target.location.resourceId);
    refersTo.push(target.location.resourceId);
  } else if (target.location.kind === "created") {
    // The group exists once its creator ran: the filter waits for it instead of declaring the group again.
    dependsOn = target.location.creatorId;
    refersTo.push(dependsOn);
  } else if (ownsGroup) {
    declaredGroupId = draft.add({ owner: target.ownerId, standalone: target.standalone, ownerCondition: target.ownerCondition, suffix: `${target.label ?? ""}LogGroup`, resource: logGroupResource(target) });
    const name = groupName(target.name, logs);
    if (name !== undefined) declareGroup(logs, declaredGroupId, name);
    logGroupName = ref(declaredGroupId);
  }
  const properties: JsonObject = {
    DestinationArn: target.destination,
    FilterPattern: "",
    // A filter of an older macro version keeps its name: renaming would make CloudFormation replace it.
    FilterName: ownsGroup ? OWNED_GROUP_FILTER : account.filters.some((f) => f.filterName === FILTER_NAME) ? FILTER_NAME : filterNameFor(owner),
    LogGroupName: logGroupName,
  };
  const resource: JsonObject = { Type: SUBSCRIPTION_FILTER, Properties: properties };
  if (dependsOn !== undefined) resource.DependsOn = dependsOn;
  const filterId = draft.add({ owner: target.ownerId, standalone: target.standalone, ownerCondition: target.ownerCondition, suffix: `${target.label ?? ""}DatadogSubscription`, resource, refersTo });
  recordFilter(logs, filterId, properties);
  return { declaredGroupId };
}

function logGroupResource(target: LogTarget): JsonObject {
  const properties: JsonObject = { LogGroupName: target.name };
  if (target.retentionInDays) properties.RetentionInDays = target.retentionInDays;
  // Retain: removing the transform, or the group from the stack, never deletes logs.
  return { Type: LOG_GROUP, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: properties };
}
