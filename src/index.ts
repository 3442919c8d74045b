/**
 * The Lambda handler CloudFormation invokes for `Transform: DatadogServerless`.
 * It never throws: every outcome is `status: "success"` or `status: "failure"` with an errorMessage.
 */
import { formatErrors } from "./errors";
import { isObject } from "./intrinsics";
import { jsonLogger, levelFrom, type Logger } from "./log";
import type { AccountView } from "./lookup/account-view";
import { cloudWatchAccountView } from "./lookup/cloudwatch";
import { transformWithLookups, type MacroOutcome } from "./transform";
import { MACRO_VERSION } from "./version";

export interface MacroResponse {
  requestId: string;
  status: "success" | "failure";
  fragment: unknown;
  errorMessage?: string;
}

/** Builds the account view only when a forwarder needs lookups; tests pass an offline one. */
export type ViewFactory = (region: string) => AccountView;

export async function respond(
  event: unknown,
  env: Record<string, string | undefined>,
  logger: Logger,
  view: ViewFactory = (region) => cloudWatchAccountView({ region }),
): Promise<MacroResponse> {
  const request = isObject(event) ? event : {};
  const requestId = typeof request.requestId === "string" ? request.requestId : "";
  try {
    const outcome = await transformWithLookups({
      fragment: request.fragment,
      params: request.params,
      region: request.region,
      accountId: request.accountId,
      templateParameterValues: request.templateParameterValues,
      env,
      macroVersion: MACRO_VERSION,
      // The event was parsed for this call alone: editing it in place saves copying large templates.
      ownsFragment: true,
    }, () => view(String(request.region)));
    logOutcome(outcome, requestId, logger);
    return outcome.ok
      ? { requestId, status: "success", fragment: outcome.fragment }
      : { requestId, status: "failure", fragment: request.fragment, errorMessage: formatErrors(outcome.errors) };
  } catch (error) {
    // A bug of ours must still answer CloudFormation with something a user can act on.
    const detail = error instanceof Error ? error.message : String(error);
    logger.log("error", "unexpected error", { requestId, error: detail });
    return {
      requestId,
      status: "failure",
      fragment: request.fragment,
      errorMessage: `DatadogServerless macro: unexpected internal error (${detail}). Please report it with the macro's logs (request ${requestId}).`,
    };
  }
}

function logOutcome(outcome: MacroOutcome, requestId: string, logger: Logger): void {
  for (const warning of outcome.warnings) logger.log("warn", warning, { requestId });
  for (const error of outcome.errors) logger.log("error", error, { requestId });
  logger.log("info", outcome.ok ? "transform succeeded" : "transform failed", {
    requestId,
    version: MACRO_VERSION,
    instrumented: outcome.instrumented.length,
    skipped: outcome.skipped.length,
    warnings: outcome.warnings.length,
  });
}

export async function handler(event: unknown): Promise<MacroResponse> {
  return respond(event, process.env, jsonLogger(levelFrom(process.env.LOG_LEVEL)));
}
