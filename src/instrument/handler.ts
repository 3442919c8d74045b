/**
 * Points Python and Node.js handlers at the Datadog wrapper (the original goes to DD_LAMBDA_HANDLER),
 * and gives Java and .NET the extension's exec wrapper.
 */
import { isIntrinsic, isObject, resolveString, stringLeaves, type Json } from "../intrinsics";
import { functionProperty, writableProperties, type FunctionModel } from "../discover";
import { DATADOG_HANDLERS, runtimeInfo } from "../runtimes";
import type { InstrumentContext } from "./context";
import { addEnvironmentVariables, userSetVariable } from "./environment-edit";

export const HANDLER_VARIABLE = "DD_LAMBDA_HANDLER";
export const EXEC_WRAPPER_VARIABLE = "AWS_LAMBDA_EXEC_WRAPPER";
/** Image functions have no Runtime: `Metadata.DatadogRuntime` tells the macro which wrapper the image holds. */
export const IMAGE_RUNTIME_HINT = "DatadogRuntime";

export function applyHandlerRedirect(fn: FunctionModel, ctx: InstrumentContext): void {
  if (!ctx.config.redirectHandler) return;
  if (fn.packageType === "Image") {
    redirectImageCommand(fn, ctx);
    return;
  }
  const redirect = fn.packageType === "Zip" ? fn.runtimeInfo?.redirect : undefined;
  if (redirect?.kind === "execWrapper") {
    if (ctx.extension) addEnvironmentVariables(fn, { [EXEC_WRAPPER_VARIABLE]: redirect.path });
    return;
  }
  if (redirect?.kind !== "handler") return;
  const target = ctx.config.addLayers ? redirect.withLayers : redirect.withoutLayers;
  redirectEntryPoint(fn, ctx, functionProperty(fn, "Handler"), "Handler", () => {
    writableProperties(fn.resource).Handler = target;
  });
}

/** Moves `original` into DD_LAMBDA_HANDLER, then lets `write` point the entry point at the wrapper. */
function redirectEntryPoint(fn: FunctionModel, ctx: InstrumentContext, original: unknown, what: string, write: () => void): void {
  if (original === undefined) {
    ctx.report.warn(`${fn.logicalId}: no ${what} to redirect; the Datadog wrapper was not set up.`);
    return;
  }
  if (stringLeaves(original).some((text) => DATADOG_HANDLERS.includes(text))) {
    if (!userSetVariable(fn, HANDLER_VARIABLE)) {
      ctx.report.warn(`${fn.logicalId}: ${what} already is the Datadog handler but ${HANDLER_VARIABLE} is not set; set it to your own handler.`);
    }
    return;
  }
  // The environment must take the original first: a redirect without it would break the function.
  if (!addEnvironmentVariables(fn, { [HANDLER_VARIABLE]: original as Json })) {
    ctx.report.warn(`${fn.logicalId}: ${what} was not redirected because its Environment cannot be edited (an intrinsic function other than Fn::If).`);
    return;
  }
  write();
}

function redirectImageCommand(fn: FunctionModel, ctx: InstrumentContext): void {
  const imageConfig = functionProperty(fn, "ImageConfig");
  const command = isObject(imageConfig) ? imageConfig.Command : undefined;
  if (command === undefined) return;
  const hint = isObject(fn.resource.Metadata) ? resolveString(fn.resource.Metadata[IMAGE_RUNTIME_HINT], ctx.template) : undefined;
  const redirect = hint === undefined ? undefined : runtimeInfo(hint)?.redirect;
  if (redirect?.kind !== "handler") {
    ctx.report.warn(
      `${fn.logicalId}: ImageConfig.Command was not redirected; add \`Metadata: {${IMAGE_RUNTIME_HINT}: <runtime, e.g. python3.12>}\` to the function so the macro knows which Datadog handler the image holds.`,
    );
    return;
  }
  if (!Array.isArray(command) || command.length === 0 || isIntrinsic(imageConfig)) {
    ctx.report.warn(`${fn.logicalId}: ImageConfig.Command is not a literal list; it was not redirected.`);
    return;
  }
  redirectEntryPoint(fn, ctx, command[0], "ImageConfig.Command", () => {
    const own = writableProperties(fn.resource);
    own.ImageConfig = { ...(imageConfig as object), Command: [redirect.withoutLayers, ...command.slice(1)] } as Json;
  });
}
