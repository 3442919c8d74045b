/** The log groups and subscription filters a template already declares, indexed by group. */
import { ifBranches, isObject, own, referencedLogicalId, templateString, type Json, type JsonObject, type TemplateContext } from "../intrinsics";
import { functionProperty, type TemplateModel } from "../model";

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
  /** Names a LogGroup of the template takes under some Conditions only (`Fn::If`): the macro must not declare them too. */
  conditionalNames: Set<string>;
  /** The name (as a template string) of each function of the template that has a FunctionName: what `Ref` to it is. */
  functionNames: Map<string, string>;
  context: TemplateContext;
}

export function emptyTemplateLogs(context: TemplateContext): TemplateLogs {
  return { groupByName: new Map(), nameById: new Map(), creatorByName: new Map(), filtersByGroup: new Map(), conditionalNames: new Set(), functionNames: new Map(), context };
}

export function readTemplateLogs(model: TemplateModel, context: TemplateContext): TemplateLogs {
  const logs = emptyTemplateLogs(context);
  // First the functions' names: the groups below may be named through them (`!Sub /aws/lambda/${Fn}`).
  for (const fn of model.functions) {
    const name = templateString(functionProperty(fn, "FunctionName"), context);
    if (name !== undefined) logs.functionNames.set(fn.logicalId, name);
  }
  for (const id of model.logGroupIds) {
    const properties = own(model.resources[id], "Properties");
    const name = isObject(properties) ? groupName(properties.LogGroupName, logs) : undefined;
    if (name !== undefined) declareGroup(logs, id, name);
    // A name under `Fn::If`: each branch's name (written with what resolves only at deploy time, too).
    else if (isObject(properties)) {
      for (const branch of ifBranches(properties.LogGroupName)) {
        const possible = branch === undefined ? undefined : groupName(branch, logs);
        if (possible !== undefined) logs.conditionalNames.add(possible);
      }
    }
  }
  for (const id of model.retentionIds) {
    const properties = own(model.resources[id], "Properties");
    const name = isObject(properties) ? groupName(properties.LogGroupName, logs) : undefined;
    if (isObject(properties) && name !== undefined && !logs.creatorByName.has(name)) logs.creatorByName.set(name, { creatorId: id, logGroupName: properties.LogGroupName });
  }
  for (const id of model.filterIds) {
    const properties = own(model.resources[id], "Properties");
    if (isObject(properties)) recordFilter(logs, id, properties);
  }
  return logs;
}

/**
 * A log group name in its one canonical form, however the template spells it: a template string (see
 * `templateString`: `!Sub`, `!Join` and `Ref`s read alike) in which a reference to a function that has a
 * FunctionName is that name, since `Ref` to a function is its name. So `!Sub /aws/lambda/${Fn}`,
 * `!Join ["", ["/aws/lambda/", !Ref Fn]]` and `/aws/lambda/orders-worker` are one group when Fn is named
 * orders-worker. A function CloudFormation names stays `${Fn}`, as its group is written everywhere.
 */
export function groupName(value: unknown, logs: TemplateLogs): string | undefined {
  const text = templateString(value, logs.context);
  return text === undefined ? undefined : canonicalName(text, logs);
}

/** `canonicalName` for a name already read as a template string. */
export function canonicalName(text: string, logs: TemplateLogs): string {
  if (logs.functionNames.size === 0 || !text.includes("${")) return text;
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (variable, id: string) => logs.functionNames.get(id) ?? variable);
}

export function declareGroup(logs: TemplateLogs, logicalId: string, name: string): void {
  if (!logs.groupByName.has(name)) logs.groupByName.set(name, logicalId);
  logs.nameById.set(logicalId, name);
}

/** Keys under which a filter on this LogGroupName is found: the group's logical id, and its name. */
export function groupKeys(logs: TemplateLogs, logGroupName: unknown): string[] {
  const referenced = referencedLogicalId(logGroupName);
  const name = referenced === undefined ? groupName(logGroupName, logs) : logs.nameById.get(referenced);
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
