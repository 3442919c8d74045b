/**
 * Points Python and Node.js handlers at the Datadog wrapper, or at the user's `customHandler` (the
 * original goes to DD_LAMBDA_HANDLER either way), and gives Java and .NET the extension's exec wrapper. Per variant: a `Runtime` given as `Fn::If`
 * gets a `Handler` that is an `Fn::If` on the same conditions.
 */
import { branchUnder, conditionalValue, isObject, own, stringLeaves, type Json } from "../intrinsics";
import { functionProperty, type FunctionModel, type Variant } from "../model";
import { HANDLER_ALREADY_DATADOG, IMAGE_COMMAND_NOT_LIST, IMAGE_RUNTIME_UNKNOWN, NO_HANDLER } from "../rules";
import { DATADOG_HANDLERS, EXEC_WRAPPER } from "../runtimes";
import { appSecKind, type AppSecKind } from "./appsec";
import type { InstrumentContext } from "./context";
import { userSetVariable } from "./environment-edit";

export const HANDLER_VARIABLE = "DD_LAMBDA_HANDLER";
export const EXEC_WRAPPER_VARIABLE = "AWS_LAMBDA_EXEC_WRAPPER";

/** What the handler step needs: variables to add, and the entry point to write once they are in. */
export interface HandlerEdit {
  variables: [string, Json][];
  write?: () => void;
}

/** AppSec off: the same empty answer for every variant of every function. */
const NO_APPSEC: AppSecKind[] = [];

const cases = (fn: FunctionModel) => fn.variants.map((variant, i) => ({ value: i, when: variant.when }));

/** Whether the Datadog code a redirect points at is there for a variant: its library layer, and the extension's. */
export interface Readiness {
  library: (variant: number) => boolean;
  extension: (variant: number) => boolean;
}

export function planHandler(fn: FunctionModel, ctx: InstrumentContext, ready: Readiness): HandlerEdit {
  const edit: HandlerEdit = { variables: [] };
  const mode = ctx.derived.appSecMode;
  const appsec = mode === "off" ? NO_APPSEC : fn.variants.map((variant) => appSecKind(variant, ctx, mode));
  const byVariant = (value: (i: number) => Json | undefined) => (fn.variants.length === 1 ? value(0) : conditionalValue(cases(fn), value));
  // The exec wrapper is how Java and .NET load the extension's tracer, and how the extension runs AppSec: not a handler redirect.
  if (ctx.derived.extension && fn.packageType !== "unknown") {
    const needsWrapper = (i: number) => ((fn.variants[i].info?.redirect.kind === "execWrapper" || appsec[i] === "extension") && ready.extension(i) ? EXEC_WRAPPER : undefined);
    const wrapper = byVariant(needsWrapper);
    if (wrapper !== undefined) edit.variables.push([EXEC_WRAPPER_VARIABLE, wrapper]);
  }
  if (appsec !== NO_APPSEC) {
    const inTracer = byVariant((i) => (appsec[i] === "tracer" ? "true" : undefined));
    if (inTracer !== undefined) edit.variables.push(["DD_APPSEC_ENABLED", inTracer]);
    const inExtension = byVariant((i) => (appsec[i] === "extension" && ready.extension(i) ? "true" : undefined));
    if (inExtension !== undefined) edit.variables.push(["DD_SERVERLESS_APPSEC_ENABLED", inExtension]);
  }
  if (!ctx.config.redirectHandler) return edit;
  const custom = ctx.config.customHandler;
  const target = (variant: Variant, i: number): string | undefined => {
    const redirect = variant.info?.redirect;
    // A handler pointed at a library that is not there would fail every invocation.
    if (redirect?.kind !== "handler" || !ready.library(i)) return undefined;
    if (custom !== undefined) return custom;
    // An image holds the library itself: its handler is the one without layers.
    return ctx.config.addLayers && fn.packageType === "Zip" ? redirect.withLayers : redirect.withoutLayers;
  };
  const targets = fn.variants.map(target);
  if (fn.packageType === "Image") return imageCommand(fn, ctx, targets, edit);
  if (targets.every((t) => t === undefined)) return edit;
  const original = functionProperty(fn, "Handler");
  if (!redirectable(fn, ctx, original, "Handler")) return edit;
  edit.variables.push([HANDLER_VARIABLE, original as Json]);
  const handler = targets.length === 1 ? targets[0] : conditionalValue(cases(fn), (i) => (targets[i] ?? branchUnder(original, fn.variants[i].when)) as Json);
  edit.write = () => {
    ctx.draft.properties(fn.logicalId).Handler = handler as Json;
  };
  return edit;
}

/**
 * False (with a warning when useful) when there is nothing to redirect, or it already is Datadog's or the
 * `customHandler` (an earlier run's output: redirecting it again would lose the user's handler).
 */
function redirectable(fn: FunctionModel, ctx: InstrumentContext, original: unknown, what: string): boolean {
  if (original === undefined) {
    ctx.warnings.warn(NO_HANDLER, { resource: fn.logicalId, what });
    return false;
  }
  const custom = ctx.config.customHandler;
  if (stringLeaves(original).some((text) => DATADOG_HANDLERS.includes(text) || text === custom)) {
    if (!userSetVariable(fn, HANDLER_VARIABLE)) ctx.warnings.warn(HANDLER_ALREADY_DATADOG, { resource: fn.logicalId, what });
    return false;
  }
  return true;
}

function imageCommand(fn: FunctionModel, ctx: InstrumentContext, targets: (string | undefined)[], edit: HandlerEdit): HandlerEdit {
  const imageConfig = functionProperty(fn, "ImageConfig");
  const command = own(imageConfig, "Command");
  if (command === undefined) return edit;
  const target = targets[0];
  if (target === undefined) {
    // A runtime without a Datadog handler (Java, .NET, Ruby) has nothing to redirect; only an unknown one is a problem.
    if (fn.variants[0]?.info === undefined) ctx.warnings.warn(IMAGE_RUNTIME_UNKNOWN, { resource: fn.logicalId });
    return edit;
  }
  if (!isObject(imageConfig) || !Array.isArray(command) || command.length === 0) {
    ctx.warnings.warn(IMAGE_COMMAND_NOT_LIST, { resource: fn.logicalId });
    return edit;
  }
  if (!redirectable(fn, ctx, command[0], "ImageConfig.Command")) return edit;
  edit.variables.push([HANDLER_VARIABLE, command[0]]);
  edit.write = () => {
    ctx.draft.properties(fn.logicalId).ImageConfig = { ...imageConfig, Command: [target, ...command.slice(1)] };
  };
  return edit;
}
