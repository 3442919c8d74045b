/** The log groups and subscription filters a template already declares, indexed by group. */
import { isObject, own, referencedLogicalId, templateString, type Json, type JsonObject, type TemplateContext } from "../intrinsics";
import type { TemplateModel } from "../model";

export interface DeclaredFilter {
  logicalId: string;
  destination?: string;
}

export interface TemplateLogs {
  /** Logical id of the LogGroup declared under a name (as a template string, see `templateString`). */
  groupByName: Map<string, string>;
  /** The reverse: the name of each declared LogGroup. */
  nameById: Map<string, string>;
  /** Logical id of the resource (CDK's `Custom::LogRetention`) that creates the group of that name at deploy time. */
  creatorByName: Map<string, { creatorId: string; logGroupName: Json }>;
  /** Filters on a group, keyed by the group's logical id or by its name. */
  filtersByGroup: Map<string, DeclaredFilter[]>;
  context: TemplateContext;
}

export function emptyTemplateLogs(context: TemplateContext): TemplateLogs {
  return { groupByName: new Map(), nameById: new Map(), creatorByName: new Map(), filtersByGroup: new Map(), context };
}

export function readTemplateLogs(model: TemplateModel, context: TemplateContext): TemplateLogs {
  const logs = emptyTemplateLogs(context);
  for (const id of model.logGroupIds) {
    const properties = own(model.resources[id], "Properties");
    const name = isObject(properties) ? templateString(properties.LogGroupName, context) : undefined;
    if (name !== undefined) declareGroup(logs, id, name);
  }
  for (const id of model.retentionIds) {
    const properties = own(model.resources[id], "Properties");
    const name = isObject(properties) ? templateString(properties.LogGroupName, context) : undefined;
    if (isObject(properties) && name !== undefined && !logs.creatorByName.has(name)) logs.creatorByName.set(name, { creatorId: id, logGroupName: properties.LogGroupName });
  }
  for (const id of model.filterIds) {
    const properties = own(model.resources[id], "Properties");
    if (isObject(properties)) recordFilter(logs, id, properties);
  }
  return logs;
}

export function declareGroup(logs: TemplateLogs, logicalId: string, name: string): void {
  if (!logs.groupByName.has(name)) logs.groupByName.set(name, logicalId);
  logs.nameById.set(logicalId, name);
}

/** Keys under which a filter on this LogGroupName is found: the group's logical id, and its name. */
export function groupKeys(logs: TemplateLogs, logGroupName: unknown): string[] {
  const referenced = referencedLogicalId(logGroupName);
  const name = referenced === undefined ? templateString(logGroupName, logs.context) : logs.nameById.get(referenced);
  const declared = referenced ?? (name === undefined ? undefined : logs.groupByName.get(name));
  return [declared, name].filter((key): key is string => key !== undefined);
}

export function recordFilter(logs: TemplateLogs, logicalId: string, properties: JsonObject): void {
  const filter = { logicalId, destination: templateString(properties.DestinationArn, logs.context) };
  for (const key of groupKeys(logs, properties.LogGroupName)) logs.filtersByGroup.set(key, [...(logs.filtersByGroup.get(key) ?? []), filter]);
}

export function declaredFilters(logs: TemplateLogs, keys: string[]): DeclaredFilter[] {
  const seen = new Map<string, DeclaredFilter>();
  for (const key of keys) for (const filter of logs.filtersByGroup.get(key) ?? []) seen.set(filter.logicalId, filter);
  return [...seen.values()];
}
