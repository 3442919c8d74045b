/** AWS X-Ray active tracing, with the permissions it needs. */
import type { JsonObject } from "../intrinsics";
import { functionProperty, type FunctionModel } from "../model";
import type { InstrumentContext } from "./context";
import type { Statement } from "./permissions";

/** Shared by every function: the macro never edits what it wrote. */
const ACTIVE: JsonObject = Object.freeze({ Mode: "Active" }) as JsonObject;

export const XRAY_STATEMENT: Statement = {
  Sid: "DatadogXRay",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  Resource: "*",
};

/** Turns active tracing on; returns the statement the function's role needs for it, if any. */
export function applyXrayTracing(fn: FunctionModel, ctx: InstrumentContext): Statement | undefined {
  if (!ctx.config.enableXrayTracing) return undefined;
  if (fn.kind === "serverless") {
    // SAM adds the X-Ray policy to the role it creates; a role given by the user needs it from us.
    if (functionProperty(fn, "Tracing") === undefined) ctx.draft.properties(fn.logicalId).Tracing = "Active";
    if (functionProperty(fn, "Role") === undefined) return undefined;
  } else if (fn.properties.TracingConfig === undefined) {
    ctx.draft.properties(fn.logicalId).TracingConfig = ACTIVE;
  }
  return XRAY_STATEMENT;
}
