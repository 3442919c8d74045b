/**
 * AppSec (App and API Protection), per function: in the Python tracer when the library layer is new
 * enough, otherwise in the extension, which runs it through its exec wrapper.
 */
import type { AppSecMode } from "../config/validate";
import type { Variant } from "../model";
import type { InstrumentContext } from "./context";

/** The first Python library layer whose tracer runs AppSec itself (Datadog's plugin and datadog-ci agree). */
export const PYTHON_APPSEC_LAYER = 114;

export type AppSecKind = "tracer" | "extension" | undefined;

/** Where AppSec runs for a variant of a function, if it runs. */
export function appSecKind(variant: Variant, ctx: InstrumentContext, mode: AppSecMode = ctx.derived.appSecMode): AppSecKind {
  if (mode === "off") return undefined;
  const info = variant.info;
  const name = info?.layerName(variant.architecture);
  // The version the function gets: given, or this release's default for its runtime.
  const version = ctx.config.pythonLayerVersion ?? (name !== undefined ? info?.defaultVersion : undefined);
  // Without `addLayers`, or with a layer ARN of their own, the user provides the library: its version is theirs to vouch for.
  const ownLibrary = !ctx.config.addLayers || ctx.config.pythonLayerArn !== undefined;
  const tracerReady = info?.family === "python" && (ownLibrary || (version !== undefined && version >= PYTHON_APPSEC_LAYER));
  if (mode === "tracer") return tracerReady ? "tracer" : undefined;
  if (mode === "on" && tracerReady) return "tracer";
  return ctx.derived.extension ? "extension" : undefined;
}
