/**
 * X-Ray tracing on API Gateway REST stages (`enableXrayTracing`), as Datadog's tracing docs ask when
 * X-Ray is used: `TracingEnabled` wherever the user left it unset. HTTP and WebSocket APIs have no
 * X-Ray tracing; a Deployment's stage is left alone (its settings belong to the deployment).
 */
import { isObject, own } from "../intrinsics";
import { SERVERLESS_API, type ApiStageModel } from "../model";
import type { InstrumentContext } from "./context";

export function traceApiStages(stages: ApiStageModel[], ctx: InstrumentContext): void {
  const selected = new Set(stages.map((stage) => stage.logicalId));
  for (const stage of stages) {
    if (stage.protocol !== "rest" || stage.tracingEnabled !== undefined) continue;
    if (stage.shape === "stage" || stage.shape === "sam") ctx.draft.properties(stage.logicalId).TracingEnabled = true;
    // SAM's implicit API has no resource before SAM: only Globals.Api reaches it. Globals.Api also
    // reaches every SAM API without its own setting, so not when one of those was left out.
    else if (stage.shape === "implicit" && !leftOutSamApiWithoutTracing(ctx, selected)) {
      const api = ctx.draft.globalsSection("Api");
      if (api !== undefined) api.TracingEnabled = true;
    }
  }
}

function leftOutSamApiWithoutTracing(ctx: InstrumentContext, selected: Set<string>): boolean {
  return Object.keys(ctx.resources).some((id) => {
    const resource = ctx.resources[id];
    return isObject(resource) && resource.Type === SERVERLESS_API && !selected.has(id) && own(resource.Properties, "TracingEnabled") === undefined;
  });
}
