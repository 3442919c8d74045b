/** The tags each instrumented function gets: the macro's own, and (with a forwarder) the unified service tags. */
import type { Config } from "../config/parameters";
import type { ConditionSpace, Json } from "../intrinsics";
import { SAM_FUNCTION_TAG, type FunctionModel } from "../model";
import { TAG_PARAMETER_INVALID, TOO_MANY_TAGS, type Report } from "../rules";
import type { InstrumentContext } from "./context";
import { MAX_TAGS, tagTextProblem, tagsAfterUnder } from "./tag-limits";
import { addTags, tagKeys } from "./tags";

export type TagList = ReadonlyArray<readonly [string, Json]>;

/**
 * `service`, `env`, `version` and the `tags` pairs as resource tags: the forwarder reads them from the
 * resource, where the extension reads DD_* variables. Pairs split on their first colon only.
 */
export function forwarderTags(config: Config): [string, Json][] {
  const tags: [string, Json][] = [];
  const seen = new Set<string>();
  const add = (key: string, value: Json) => {
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    tags.push([key, value]);
  };
  for (const key of UNIFIED_TAGS) if (config[key] !== undefined) add(key, config[key] as Json);
  for (const pair of config.tags ?? []) add(...tagPair(pair));
  return tags;
}

const UNIFIED_TAGS = ["service", "env", "version"] as const;

/** A `tags` entry as a resource tag: split on its first colon only, both sides trimmed. */
function tagPair(pair: string): [string, string] {
  const colon = pair.indexOf(":");
  return [(colon < 0 ? pair : pair.slice(0, colon)).trim(), colon < 0 ? "" : pair.slice(colon + 1).trim()];
}

/**
 * Errors for parameters that cannot be the resource tags `forwarderTags` makes of them (call it only
 * when they are written as tags). A value deferred to deploy time cannot be checked here.
 */
export function checkTagParameters(config: Config, report: Report): void {
  for (const name of UNIFIED_TAGS) {
    const value = config[name];
    const problem = typeof value === "string" ? tagTextProblem(value, "value") : undefined;
    if (problem !== undefined) report.error(TAG_PARAMETER_INVALID, { name, part: "value", problem });
  }
  (config.tags ?? []).forEach((pair, i) => {
    const [key, value] = tagPair(pair);
    // An empty key is no tag: `forwarderTags` leaves it out.
    if (key === "") return;
    for (const [part, text] of [["key", key], ["value", value]] as const) {
      const problem = tagTextProblem(text, part);
      if (problem !== undefined) report.error(TAG_PARAMETER_INVALID, { name: "tags", entry: i + 1, part, problem });
    }
  });
}

/** `tags` then the macro's `own`, which win over a tag of the same key (a `tags` entry cannot replace `dd_sls_macro`). */
export function withOwnTags(tags: ReadonlyArray<readonly [string, Json]>, own: ReadonlyArray<readonly [string, Json]>): [string, Json][] {
  const ownKeys = new Set(own.map(([key]) => key));
  return [...tags.filter(([key]) => !ownKeys.has(key)), ...own] as [string, Json][];
}

/** The tags of a function, by who made the template: computed once per transform, not per function. */
export function functionTagSets(ctx: InstrumentContext): (fn: FunctionModel) => TagList {
  const common = ctx.config.forwarderArn === undefined ? [] : forwarderTags(ctx.config);
  const make = (by: string | undefined): TagList => {
    const own: [string, Json][] = [["dd_sls_macro", `v${ctx.macroVersion}`]];
    if (by) own.push(["dd_sls_macro_by", by]);
    return withOwnTags(common, own);
  };
  const sets = { cdk: make("CDK"), sam: make("SAM"), none: make(undefined) };
  return (fn) => (ctx.createdByCdk ? sets.cdk : fn.createdBySam ? sets.sam : sets.none);
}

/** Keys of SAM's `Globals.Function.Tags`, which SAM gives the function where it sets no tag of that key. */
function inheritedTags(fn: FunctionModel): Set<string> | undefined {
  return fn.kind === "serverless" && fn.globals.Tags !== undefined ? tagKeys(fn.globals.Tags) : undefined;
}

const styleOf = (fn: FunctionModel) => (fn.kind === "serverless" ? "map" : "list");

export function applyFunctionTags(fn: FunctionModel, ctx: InstrumentContext, tags: TagList): void {
  addTags(fn.logicalId, () => ctx.draft.properties(fn.logicalId), fn.properties.Tags, styleOf(fn), tags, ctx.warnings, inheritedTags(fn));
}

/** An error when the macro's tags would take the function past Lambda's limit (SAM's own tag counted, for a function SAM will make). */
export function checkFunctionTags(fn: FunctionModel, tags: TagList, conditions: ConditionSpace, report: Report): void {
  const after = tagsAfterUnder(conditions, fn.properties.Tags, styleOf(fn), tags, inheritedTags(fn) ?? new Set(), fn.kind === "serverless" ? [SAM_FUNCTION_TAG] : []);
  // A resource already past the limit without the macro's tags is reported with the template's own excesses (E208).
  if (after !== undefined && after.added.length > 0 && after.count > MAX_TAGS) report.error(TOO_MANY_TAGS, { resource: fn.logicalId, service: "Lambda", count: after.count, limit: MAX_TAGS, added: after.added });
}
