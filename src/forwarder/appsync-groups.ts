/**
 * The log groups of AppSync GraphQL APIs: AppSync writes an API's logs to `/aws/appsync/apis/<api id>`,
 * creating that group itself on the first logged request. The name holds the API's id, which the stack
 * knows once the API exists (`cloudformation:ListStackResources`), so the targets are named once the
 * stack's resources are known (`appSyncTargets`), as API Gateway's execution log groups are.
 */
import type { Config } from "../config/parameters";
import { sub } from "../intrinsics";
import type { AppSyncApiModel } from "../model";
import { APPSYNC_LOGGING_UNKNOWN, EXECUTION_LOGS_NEED_STACK_NAME, type Report } from "../rules";
import { namedAfterApi, type TargetBase, type TargetOutcome } from "./targets";
import type { TemplateLogs } from "./template-logs";

export const APPSYNC_LOG_PREFIX = "/aws/appsync/apis/";

export interface AppSyncGroups {
  /** Logical ids of the APIs whose log groups are forwarded. */
  apiIds: string[];
  settings?: { destination: string; retentionInDays?: number };
}

export const NO_APPSYNC_GROUPS: AppSyncGroups = { apiIds: [] };

/** The APIs that log, with `subscribeToAppSyncLogs`; the stack's name is needed to find their groups. */
export function planAppSyncGroups(apis: AppSyncApiModel[], config: Config, settings: NonNullable<AppSyncGroups["settings"]>, report: Report): AppSyncGroups {
  if (!config.subscribeToAppSyncLogs) return NO_APPSYNC_GROUPS;
  const apiIds: string[] = [];
  for (const api of apis) {
    if (typeof api.logging === "string") report.warn(APPSYNC_LOGGING_UNKNOWN, { resource: api.logicalId, why: api.logging });
    else if (api.logging) apiIds.push(api.logicalId);
  }
  // Without the stack, an API that exists cannot be told from a new one: declaring the group AppSync
  // already made for it would fail the deploy ("already exists").
  if (apiIds.length > 0 && config.stackName === undefined) report.error(EXECUTION_LOGS_NEED_STACK_NAME, { ids: apiIds, parameter: "subscribeToAppSyncLogs", service: "AppSync" });
  return { apiIds, settings };
}

/** The API id in a GraphQL API's physical id: CloudFormation knows it by its ARN (`arn:...:apis/<id>`); a bare id is read too. */
export function appSyncApiId(physicalId: string): string | undefined {
  const match = /^arn:[\w-]+:appsync:[\w-]*:\d*:apis\/([A-Za-z0-9]+)$/.exec(physicalId) ?? /^([A-Za-z0-9]+)$/.exec(physicalId);
  return match?.[1];
}

/** Each API's log group once the stack's resources are known: `physicalIds` maps logical ids to the ids of resources that exist. */
export function appSyncTargets(groups: AppSyncGroups, physicalIds: ReadonlyMap<string, string>, logs: TemplateLogs): { ownerId: string; target: TargetOutcome }[] {
  const settings = groups.settings;
  if (settings === undefined) return [];
  return groups.apiIds.map((ownerId) => {
    const physicalId = physicalIds.get(ownerId);
    const apiId = physicalId === undefined ? undefined : appSyncApiId(physicalId);
    if (physicalId !== undefined && apiId === undefined) return { ownerId, target: { unresolved: "its API id (the stack's physical id of the API is not an AppSync API ARN)" } };
    // `Fn::Sub` over the ApiId attribute: the group is created after the API, whose id it needs.
    const templateName = `${APPSYNC_LOG_PREFIX}\${${ownerId}.ApiId}`;
    const base: TargetBase = { ownerId, destination: settings.destination, retentionInDays: settings.retentionInDays, mayDeclare: true };
    const accountName = apiId === undefined ? undefined : { name: `${APPSYNC_LOG_PREFIX}${apiId}` };
    return { ownerId, target: namedAfterApi(base, templateName, sub(templateName), accountName, logs) };
  });
}
