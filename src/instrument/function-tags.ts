/** The tags each instrumented function gets: the macro's own, and (with a forwarder) the unified service tags. */
import type { ConditionSpace, Json } from "../intrinsics";
import { SAM_FUNCTION_TAG, type FunctionModel } from "../model";
import { TOO_MANY_TAGS, type Report } from "../rules";
import type { InstrumentContext } from "./context";
import { addTags, forwarderTags, MAX_TAGS, tagKeys, tagsAfterUnder, withOwnTags, type TagList } from "./tags";

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
