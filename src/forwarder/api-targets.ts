/**
 * The log groups of API Gateway stages to forward: where access logs go (a group the user chose), and
 * the execution log groups API Gateway creates itself, named after the API's id and the stage.
 */
import { join, own, ref, referencedIds, referencedLogicalId, resolveString, templateString, type Json, type JsonObject } from "../intrinsics";
import type { ApiStageModel } from "../model";
import { NOT_A_LOG_GROUP, type Warnings } from "../rules";
import { declaredGroupTarget, located, namedAfterApi, type TargetBase, type TargetOutcome } from "./targets";
import { readLogGroupArn, type StackPlace } from "./log-group-arn";
import { canonicalName, type TemplateLogs } from "./template-logs";

export interface ApiTargetSettings extends StackPlace {
  destination: string;
  retentionInDays?: number;
  /** Scopes the filter names on groups other stacks may subscribe too. */
  stackName?: string;
}


/**
 * The group a stage's access logs go to, or undefined when it has none (or one the macro cannot
 * subscribe, with a warning). A group of the template is owned by itself: several stages logging to it
 * share one subscription.
 */
export function accessLogTarget(stage: ApiStageModel, resources: JsonObject, logs: TemplateLogs, settings: ApiTargetSettings, warnings: Warnings): TargetOutcome | undefined {
  const value = stage.accessLogDestination;
  if (value === undefined) return undefined;
  const fromGroup = (groupId: string | undefined) => declaredGroupTarget({ ...groupBase(settings), ownerId: groupId ?? "" }, groupId, resources, logs);
  const declared = fromGroup(referencedLogicalId(value, "Arn"));
  if (declared) return declared;
  const text = templateString(value, logs.context);
  const what = "its access log destination";
  const arn = text === undefined ? undefined : readLogGroupArn(text, settings);
  if (arn === undefined) return { unresolved: what };
  if ("elsewhere" in arn) {
    warnings.warn(NOT_A_LOG_GROUP, { resource: stage.logicalId, what, why: arn.elsewhere });
    return undefined;
  }
  const written = arn.name;
  // `arn:...:log-group:${Group}`: a Ref to the template's group (its name).
  const variable = /^\$\{([A-Za-z0-9]+)\}$/.exec(written);
  const byRef = variable ? fromGroup(variable[1]) : undefined;
  if (byRef) return byRef;
  const name = canonicalName(written, logs);
  // A name written with what the macro cannot resolve (`${AWS::StackName}`) is found when the template declares it.
  const declaredByName = logs.groupByName.get(name);
  if (declaredByName !== undefined) return fromGroup(declaredByName);
  if (name.includes("${")) return { unresolved: what };
  // The group exists whether or not the stage does: its subscription carries no Condition of the stage's.
  return located({ ...groupBase(settings), ownerId: stage.logicalId, label: "AccessLogs", standalone: true, filterScope: settings.stackName }, name, name, logs, { name });
}

function groupBase(settings: ApiTargetSettings): Omit<TargetBase, "ownerId"> {
  return { destination: settings.destination, retentionInDays: settings.retentionInDays, mayDeclare: false };
}

/** An execution log group to forward, before the API's id is known. */
export interface ExecutionLogs {
  ownerId: string;
  kind: "rest" | "websocket";
  api: { logicalId: string } | { id: string };
  stageName: string;
  /** The Condition of an owner the template does not hold yet (SAM's implicit API). */
  ownerCondition?: string;
  /**
   * The stage resource should wait for a group the macro declares: otherwise API Gateway, logging a
   * request to a new stage, may create the group first, and CloudFormation then fails to create it.
   * Only for Stage resources (a SAM API or a Deployment passes no DependsOn to the stage it makes), and
   * not when the API refers to the stage (a dependency cycle).
   */
  waits: boolean;
}

const EXECUTION_PREFIX = { rest: "API-Gateway-Execution-Logs_", websocket: "/aws/apigateway/" } as const;

/** What the stage's execution logs need, undefined when it writes none, or why they cannot be found. */
export function executionLogs(stage: ApiStageModel, resources: JsonObject, logs: TemplateLogs): ExecutionLogs | { unresolved: string } | undefined {
  if (stage.executionLogging === false || stage.protocol === "http") return undefined;
  if (typeof stage.executionLogging === "string") return { unresolved: stage.executionLogging };
  if (stage.protocol === "unknown") return { unresolved: "the protocol of its API (REST, HTTP or WebSocket)" };
  if (stage.api === undefined) return { unresolved: "its API id" };
  const stageName = resolveString(stage.stageName, logs.context);
  if (stageName === undefined) return { unresolved: "its stage name" };
  const api = "logicalId" in stage.api ? own(resources, stage.api.logicalId) : undefined;
  const waits = stage.shape === "stage" && !referencedIds(api).includes(stage.logicalId);
  return { ownerId: stage.logicalId, kind: stage.protocol, api: stage.api, stageName, waits, ownerCondition: stage.shape === "implicit" ? stage.condition : undefined };
}

/**
 * The execution log group's target once the stack's resources are known: `physicalIds` maps logical ids
 * to the ids of resources that exist. An API that does not exist yet has no log group yet either.
 */
export function executionLogTarget(plan: ExecutionLogs, physicalIds: ReadonlyMap<string, string>, logs: TemplateLogs, settings: ApiTargetSettings): TargetOutcome {
  const prefix = EXECUTION_PREFIX[plan.kind];
  const suffix = `/${plan.stageName}`;
  const apiId = "id" in plan.api ? plan.api.id : physicalIds.get(plan.api.logicalId);
  // The name as the template writes it: the same on every deploy, so the declared group never changes.
  const nameValue: Json = "id" in plan.api ? `${prefix}${plan.api.id}${suffix}` : join("", [prefix, ref(plan.api.logicalId), suffix]);
  const templateName = "id" in plan.api ? nameValue as string : `${prefix}\${${plan.api.logicalId}}${suffix}`;
  const base: TargetBase = { ownerId: plan.ownerId, ownerCondition: plan.ownerCondition, label: "ExecutionLogs", destination: settings.destination, retentionInDays: settings.retentionInDays, mayDeclare: true };
  const accountName = apiId === undefined ? undefined : { name: `${prefix}${apiId}${suffix}` };
  return namedAfterApi(base, templateName, nameValue, accountName, logs);
}
