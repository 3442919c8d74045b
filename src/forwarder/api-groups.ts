/**
 * The log groups of API Gateway stages: access logs (a group the user chose) and execution logs (named
 * after the API's id, so named once the API ids are known: `executionTargets`).
 */
import type { Config } from "../config/parameters";
import type { JsonObject } from "../intrinsics";
import type { ApiStageModel } from "../model";
import { EXECUTION_LOGS_NEED_STACK_NAME, type Report } from "../rules";
import { accessLogTarget, executionLogs, executionLogTarget, type ApiTargetSettings, type ExecutionLogs } from "./api-targets";
import type { TargetOutcome } from "./targets";
import type { TemplateLogs } from "./template-logs";

export interface ApiGroups {
  /** Groups known before any lookup: access log destinations, and what cannot be resolved. */
  targets: { ownerId: string; target: TargetOutcome; waits?: boolean }[];
  /** Execution log groups, named after their API's id. */
  execution: ExecutionLogs[];
  settings?: ApiTargetSettings;
}

export const NO_API_GROUPS: ApiGroups = { targets: [], execution: [] };

export function planApiGroups(stages: ApiStageModel[], config: Config, resources: JsonObject, logs: TemplateLogs, settings: ApiTargetSettings, report: Report): ApiGroups {
  const targets: ApiGroups["targets"] = [];
  const execution: ExecutionLogs[] = [];
  if (config.subscribeToAccessLogs) {
    for (const stage of stages) {
      const target = accessLogTarget(stage, resources, logs, settings, report);
      if (target) targets.push({ ownerId: stage.logicalId, target });
    }
  }
  if (config.subscribeToExecutionLogs) {
    for (const stage of stages) {
      const plan = executionLogs(stage, resources, logs);
      if (plan === undefined) continue;
      if ("unresolved" in plan) targets.push({ ownerId: stage.logicalId, target: plan });
      else execution.push(plan);
    }
    // The id of an API of the template is only known from the stack (or does not exist yet).
    const needStack = execution.filter((plan) => "logicalId" in plan.api).map((plan) => plan.ownerId);
    if (needStack.length > 0 && config.stackName === undefined) report.error(EXECUTION_LOGS_NEED_STACK_NAME, { ids: needStack, parameter: "subscribeToExecutionLogs", service: "API Gateway" });
  }
  return { targets, execution, settings };
}

/** True when naming the execution log groups needs the stack's resources. */
export function needsStackResources(groups: ApiGroups): boolean {
  return groups.execution.some((plan) => "logicalId" in plan.api);
}

export function executionTargets(groups: ApiGroups, physicalIds: ReadonlyMap<string, string>, logs: TemplateLogs): { ownerId: string; target: TargetOutcome; waits?: boolean }[] {
  const settings = groups.settings;
  if (settings === undefined) return [];
  return groups.execution.map((plan) => ({ ownerId: plan.ownerId, target: executionLogTarget(plan, physicalIds, logs, settings), waits: plan.waits }));
}
