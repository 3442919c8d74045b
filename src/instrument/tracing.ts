/** AWS X-Ray active tracing, with the permissions it needs. */
import { functionProperty, properties, writableProperties, type FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { grantToFunction } from "./permissions";

export function applyXrayTracing(fn: FunctionModel, ctx: InstrumentContext): void {
  if (!ctx.config.enableXrayTracing) return;
  if (fn.kind === "serverless") {
    // SAM adds the X-Ray policy to the role it creates; a role given by the user needs it from us.
    if (functionProperty(fn, "Tracing") === undefined) writableProperties(fn.resource).Tracing = "Active";
    if (functionProperty(fn, "Role") === undefined) return;
  } else if (properties(fn.resource).TracingConfig === undefined) {
    writableProperties(fn.resource).TracingConfig = { Mode: "Active" };
  }
  grantToFunction(fn, ctx, {
    Sid: "DatadogXRay",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    Resource: "*",
  });
}
