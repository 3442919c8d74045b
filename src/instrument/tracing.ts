/** AWS X-Ray active tracing, with the permissions it needs. */
import { functionProperty, type FunctionModel } from "../model";
import type { InstrumentContext } from "./context";
import type { Grants, Statement } from "./permissions";

export const XRAY_STATEMENT: Statement = {
  Sid: "DatadogXRay",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  Resource: "*",
};

export function applyXrayTracing(fn: FunctionModel, ctx: InstrumentContext, grants: Grants): void {
  if (!ctx.config.enableXrayTracing) return;
  if (fn.kind === "serverless") {
    // SAM adds the X-Ray policy to the role it creates; a role given by the user needs it from us.
    if (functionProperty(fn, "Tracing") === undefined) ctx.draft.properties(fn.logicalId).Tracing = "Active";
    if (functionProperty(fn, "Role") === undefined) return;
  } else if (fn.properties.TracingConfig === undefined) {
    ctx.draft.properties(fn.logicalId).TracingConfig = { Mode: "Active" };
  }
  grants.grant({ logicalId: fn.logicalId, role: functionProperty(fn, "Role"), sam: fn.kind === "serverless" }, XRAY_STATEMENT);
}
