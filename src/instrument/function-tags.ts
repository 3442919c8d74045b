/** The tags each instrumented function gets: the macro's own, and (with a forwarder) the unified service tags. */
import type { Config } from "../config/parameters";
import type { FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { addTags, tagKeys } from "./tags";

export function macroTags(fn: FunctionModel, ctx: InstrumentContext): Record<string, string> {
  const tags: Record<string, string> = { dd_sls_macro: `v${ctx.macroVersion}` };
  const by = ctx.createdByCdk ? "CDK" : fn.createdBySam ? "SAM" : undefined;
  if (by) tags.dd_sls_macro_by = by;
  return tags;
}

/**
 * `service`, `env`, `version` and the `tags` pairs as resource tags: the forwarder reads them from the
 * resource, where the extension reads DD_* variables. Pairs split on their first colon only.
 */
export function forwarderTags(config: Config): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const key of ["service", "env", "version"] as const) if (config[key] !== undefined) tags[key] = config[key]!;
  for (const pair of config.tags ?? []) {
    const colon = pair.indexOf(":");
    const key = (colon < 0 ? pair : pair.slice(0, colon)).trim();
    if (key !== "" && !(key in tags)) tags[key] = colon < 0 ? "" : pair.slice(colon + 1).trim();
  }
  return tags;
}

export function applyFunctionTags(fn: FunctionModel, ctx: InstrumentContext): void {
  const style = fn.kind === "serverless" ? "map" : "list";
  const tags = ctx.config.forwarderArn === undefined ? macroTags(fn, ctx) : { ...forwarderTags(ctx.config), ...macroTags(fn, ctx) };
  addTags(fn.logicalId, fn.resource, style, tags, ctx.report, tagKeys(fn.globals.Tags));
}
