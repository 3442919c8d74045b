/** The macro's own tags on each instrumented function. */
import type { FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { addTags, tagKeys } from "./tags";

export function macroTags(fn: FunctionModel, ctx: InstrumentContext): Record<string, string> {
  const tags: Record<string, string> = { dd_sls_macro: `v${ctx.macroVersion}` };
  const by = ctx.createdByCdk ? "CDK" : fn.createdBySam ? "SAM" : undefined;
  if (by) tags.dd_sls_macro_by = by;
  return tags;
}

export function applyFunctionTags(fn: FunctionModel, ctx: InstrumentContext): void {
  const style = fn.kind === "serverless" ? "map" : "list";
  addTags(fn.logicalId, fn.resource, style, macroTags(fn, ctx), ctx.report, tagKeys(fn.globals.Tags));
}
