/**
 * X-Ray tracing on APIs (`enableXrayTracing`), as Datadog's tracing docs ask when X-Ray is used, wherever
 * the user left it unset: `XrayEnabled` on AppSync GraphQL APIs; `TracingEnabled` on API Gateway REST
 * stages (HTTP and WebSocket APIs have no X-Ray tracing; a Deployment's stage is left alone, its
 * settings belong to the deployment).
 */
import { isObject, own } from "../intrinsics";
import { SERVERLESS_API, type ApiStageModel, type AppSyncApiModel } from "../model";
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

/** `XrayEnabled` on AppSync APIs (SAM's GraphQLApi passes it through) where the user left it unset. */
export function traceAppSyncApis(apis: AppSyncApiModel[], ctx: InstrumentContext): void {
  for (const api of apis) if (api.xrayEnabled === undefined) ctx.draft.properties(api.logicalId).XrayEnabled = true;
}
