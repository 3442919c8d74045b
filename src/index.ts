/**
 * The Lambda handler CloudFormation invokes for `Transform: DatadogServerless`.
 * It never throws: every outcome is `status: "success"` or `status: "failure"` with an errorMessage.
 */
import { requestSecrets } from "./config/load";
import { isObject, own } from "./intrinsics";
import { jsonLogger, levelFrom, type Logger } from "./log";
import type { AccountView } from "./lookup/account-view";
import { cloudWatchAccountView } from "./lookup/cloudwatch";
import { lambdaLayerView } from "./lookup/lambda-layers";
import { deadlineFor } from "./lookup/pacing";
import { formatDiagnostic, formatErrors, INTERNAL, redactor } from "./rules";
import { transformWithLookups, type MacroOutcome } from "./transform";
import { MACRO_VERSION } from "./version";

export interface MacroResponse {
  requestId: string;
  status: "success" | "failure";
  fragment: unknown;
  errorMessage?: string;
}

/**
 * Builds the account view only when a forwarder needs lookups, with the time they may take (`deadline`,
 * ms since the epoch; undefined: the view's default); tests pass an offline one.
 */
export type ViewFactory = (region: string, deadline?: number) => AccountView;

/** The part of the Lambda context the macro reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export async function respond(
  event: unknown,
  env: Record<string, string | undefined>,
  logger: Logger,
  view: ViewFactory = (region, deadline) => ({ ...cloudWatchAccountView({ region, deadline }), ...lambdaLayerView({ region, deadline }) }),
  deadline?: number,
): Promise<MacroResponse> {
  const request = isObject(event) ? event : {};
  const requestId = typeof request.requestId === "string" ? request.requestId.slice(0, 200) : "";
  try {
    const outcome = await transformWithLookups(
      {
        fragment: request.fragment,
        params: request.params,
        region: request.region,
        accountId: request.accountId,
        templateParameterValues: request.templateParameterValues,
        env,
        macroVersion: MACRO_VERSION,
      },
      (viewDeadline) => view(String(request.region), viewDeadline),
      deadline,
    );
    logOutcome(outcome, requestId, logger);
    return outcome.ok
      ? { requestId, status: "success", fragment: outcome.fragment }
      : { requestId, status: "failure", fragment: request.fragment, errorMessage: formatErrors(outcome.errors) };
  } catch (error) {
    // A bug of ours must still answer CloudFormation with something a user can act on; the transform
    // never edits the fragment it was given, so it goes back as received.
    const redact = safeRedactor(request, env);
    const detail = redact(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 300));
    const message = formatDiagnostic(INTERNAL, { detail, requestId }).text;
    logger.log("error", message, { requestId });
    return { requestId, status: "failure", fragment: request.fragment, errorMessage: formatErrors([message]) };
  }
}

function safeRedactor(request: Record<string, unknown>, env: Record<string, string | undefined>): (text: string) => string {
  try {
    return redactor(requestSecrets(request.params, own(request.fragment, "Mappings"), env));
  } catch {
    return () => "(details withheld)";
  }
}

function logOutcome(outcome: MacroOutcome, requestId: string, logger: Logger): void {
  for (const note of outcome.notes) logger.log("info", note, { requestId });
  for (const warning of outcome.warnings) logger.log("warn", warning, { requestId });
  for (const error of outcome.errors) logger.log("error", error, { requestId });
  logger.log("info", outcome.ok ? "transform succeeded" : "transform failed", {
    requestId,
    version: MACRO_VERSION,
    instrumented: outcome.instrumented.length,
    tagsOnly: outcome.tagsOnly.length,
    skipped: outcome.skipped.length,
    warnings: outcome.warnings.length,
  });
}

/** `context` is Lambda's: the lookups keep trying for the time the invocation has left, less a margin to answer. */
export async function handler(event: unknown, context?: InvocationContext): Promise<MacroResponse> {
  const deadline = typeof context?.getRemainingTimeInMillis === "function" ? deadlineFor(context.getRemainingTimeInMillis()) : undefined;
  return respond(event, process.env, jsonLogger(levelFrom(process.env.LOG_LEVEL)), undefined, deadline);
}
