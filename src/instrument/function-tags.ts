/** The tags each instrumented function gets: the macro's own, and (with a forwarder) the unified service tags. */
import type { Config } from "../config/parameters";
import type { Json } from "../intrinsics";
import type { FunctionModel } from "../model";
import type { InstrumentContext } from "./context";
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
  for (const key of ["service", "env", "version"] as const) if (config[key] !== undefined) add(key, config[key] as Json);
  for (const pair of config.tags ?? []) {
    const colon = pair.indexOf(":");
    add((colon < 0 ? pair : pair.slice(0, colon)).trim(), colon < 0 ? "" : pair.slice(colon + 1).trim());
  }
  return tags;
}

/** The tags of a function, by who made the template: computed once per transform, not per function. */
export function functionTagSets(ctx: InstrumentContext): (fn: FunctionModel) => TagList {
  const common = ctx.config.forwarderArn === undefined ? [] : forwarderTags(ctx.config);
  const make = (by: string | undefined): TagList => {
    const own: [string, Json][] = [["dd_sls_macro", `v${ctx.macroVersion}`]];
    if (by) own.push(["dd_sls_macro_by", by]);
    // A forwarder tag of the same key does not replace the macro's own.
    return [...common.filter(([key]) => !own.some(([k]) => k === key)), ...own];
  };
  const sets = { cdk: make("CDK"), sam: make("SAM"), none: make(undefined) };
  return (fn) => (ctx.createdByCdk ? sets.cdk : fn.createdBySam ? sets.sam : sets.none);
}

export function applyFunctionTags(fn: FunctionModel, ctx: InstrumentContext, tags: TagList): void {
  const inherited = fn.kind === "serverless" && fn.globals.Tags !== undefined ? tagKeys(fn.globals.Tags) : undefined;
  addTags(fn.logicalId, () => ctx.draft.properties(fn.logicalId), fn.properties.Tags, fn.kind === "serverless" ? "map" : "list", tags, ctx.warnings, inherited);
}
