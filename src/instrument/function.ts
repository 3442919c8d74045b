/** Runs every instrumentation step on one function, in order. */
import type { FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { applyEnvironment } from "./environment";
import { applyFunctionTags } from "./function-tags";
import { applyHandlerRedirect } from "./handler";
import { applyLayers } from "./layers";
import { applySecretAccess } from "./secret-access";
import { applyXrayTracing } from "./tracing";

interface Step {
  apply: (fn: FunctionModel, ctx: InstrumentContext) => void;
  /** Picks layers or handlers by runtime and architecture, so needs both resolved. */
  needsRuntime: boolean;
}

const STEPS: readonly Step[] = [
  { apply: applyLayers, needsRuntime: true },
  { apply: applyEnvironment, needsRuntime: false },
  { apply: applyHandlerRedirect, needsRuntime: true },
  { apply: applyFunctionTags, needsRuntime: false },
  { apply: applyXrayTracing, needsRuntime: false },
  { apply: applySecretAccess, needsRuntime: false },
];

/** Why layers and handler must be left alone, if they must. Image functions have no runtime by design. */
export function runtimeProblem(fn: FunctionModel): string | undefined {
  if (fn.packageType === "unknown") return "its PackageType cannot be resolved";
  if (fn.packageType === "Image") return undefined;
  return fn.runtimeProblem ?? fn.architectureProblem;
}

export function instrumentFunction(fn: FunctionModel, ctx: InstrumentContext): void {
  const problem = runtimeProblem(fn);
  if (problem !== undefined) {
    ctx.report.warn(`${fn.logicalId}: layers and handler left alone because ${problem}; environment variables and tags were added.`);
  } else if (fn.runtimeInfo?.tableStatus === "newer") {
    ctx.report.warn(
      `${fn.logicalId}: runtime ${fn.runtime} is newer than this macro's table; instrumented as ${fn.runtimeInfo.family} (layer names derived from the runtime name).`,
    );
  } else if (fn.runtimeInfo?.tableStatus === "older") {
    ctx.report.warn(`${fn.logicalId}: runtime ${fn.runtime} is deprecated; Datadog may no longer publish a layer for it.`);
  }
  for (const step of STEPS) {
    if (!step.needsRuntime || problem === undefined) step.apply(fn, ctx);
  }
}

/** True when the runtime steps (layers, handler) will run on the function. */
export function instrumentable(fn: FunctionModel): boolean {
  return runtimeProblem(fn) === undefined;
}
