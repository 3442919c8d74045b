/** `forwardLogGroups`: more groups to forward, by name or by the logical id of a log group of the template. */
import { isObject, own, type JsonObject } from "../intrinsics";
import { LOG_GROUP } from "../model";
import { FORWARD_LOG_GROUP_INVALID, TOO_MANY_FORWARD_LOG_GROUPS, type Report } from "../rules";
import { declaredGroupTarget, located, type TargetOutcome } from "./targets";
import type { TemplateLogs } from "./template-logs";

/** The characters and length CloudWatch Logs allows in a log group name. */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** More than a stack could hold subscriptions for (500 resources): refused before any lookup. */
export const MAX_FORWARD_LOG_GROUPS = 200;

export function namedGroupTargets(entries: readonly string[], resources: JsonObject, logs: TemplateLogs, destination: string, stackName: string | undefined, report: Report): { ownerId: string; target: TargetOutcome }[] {
  const targets: { ownerId: string; target: TargetOutcome }[] = [];
  const distinct = new Set(entries);
  if (distinct.size > MAX_FORWARD_LOG_GROUPS) {
    report.error(TOO_MANY_FORWARD_LOG_GROUPS, { count: distinct.size, limit: MAX_FORWARD_LOG_GROUPS });
    return targets;
  }
  for (const entry of distinct) {
    const resource = own(resources, entry);
    if (isObject(resource)) {
      const declared = declaredGroupTarget({ ownerId: entry, destination, mayDeclare: false }, entry, resources, logs);
      if (declared) targets.push({ ownerId: entry, target: declared });
      else report.error(FORWARD_LOG_GROUP_INVALID, { entry, why: `is the logical id of a resource of type ${typeof resource.Type === "string" ? resource.Type.slice(0, 80) : "(not a string)"}, not of an ${LOG_GROUP}` });
      continue;
    }
    if (!LOG_GROUP_NAME.test(entry)) {
      report.error(FORWARD_LOG_GROUP_INVALID, { entry: entry.slice(0, 100), why: "is not a log group name (letters, digits and `_-/.#`, up to 512 characters) nor a logical id of the template" });
      continue;
    }
    // Derived ids read like the name ("/shop/batch-jobs" → ShopBatchJobs...); the owner is no resource.
    const ownerId = entry.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join("") || "LogGroup";
    targets.push({ ownerId, target: located({ ownerId, standalone: true, filterScope: stackName, destination, mayDeclare: false }, entry, entry, logs, { name: entry }) });
  }
  return targets;
}
