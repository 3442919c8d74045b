/**
 * Log forwarding, as every kind of resource uses it: find a log group (declared by the template, created
 * by one of its resources, or found in the account), and subscribe it to the forwarder.
 */
export { executionTargets, needsStackResources, NO_API_GROUPS, planApiGroups, type ApiGroups } from "./api-groups";
export { appSyncTargets, NO_APPSYNC_GROUPS, planAppSyncGroups, type AppSyncGroups } from "./appsync-groups";
export { functionLogTarget } from "./function-targets";
export { readLogGroupArn, type StackPlace } from "./log-group-arn";
export { namedGroupTargets } from "./named-targets";
export { queryFor, subscribe } from "./subscriptions";
export { declaredGroupTarget, located, warnUnsubscribed, withoutVariables, type TargetOutcome } from "./targets";
export { canonicalName, emptyTemplateLogs, groupName, readTemplateLogs, type TemplateLogs } from "./template-logs";
