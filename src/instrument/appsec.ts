/**
 * AppSec (App and API Protection), per function: in the Python tracer when the library layer is new
 * enough, otherwise in the extension, which runs it through its exec wrapper.
 */
import { appSecMode } from "../config/validate";
import type { Variant } from "../model";
import type { InstrumentContext } from "./context";

/** The first Python library layer whose tracer runs AppSec itself (Datadog's plugin and datadog-ci agree). */
export const PYTHON_APPSEC_LAYER = 114;

export type AppSecKind = "tracer" | "extension" | undefined;

/** Where AppSec runs for a variant of a function, if it runs. */
export function appSecKind(variant: Variant, ctx: InstrumentContext): AppSecKind {
  const mode = appSecMode(ctx.config);
  if (mode === "off") return undefined;
  const version = ctx.config.pythonLayerVersion;
  // Without `addLayers` the user bundles the library: its version is theirs to vouch for.
  const tracerReady = variant.info?.family === "python" && (!ctx.config.addLayers || (version !== undefined && version >= PYTHON_APPSEC_LAYER));
  if (mode === "tracer") return tracerReady ? "tracer" : undefined;
  if (mode === "on" && tracerReady) return "tracer";
  return ctx.extension ? "extension" : undefined;
}
