/** Calls the handler's `respond` as Lambda would, and keeps what it logs, for tests about the response and the logs. */
import { respond } from "../../src/index";
import type { Logger } from "../../src/log";
import { offlineAccountView } from "../../src/lookup/account-view";

/** A logger that keeps each line as JSON text. */
export function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) } };
}

/**
 * Sends one request (`extra` adds or replaces event fields) with an offline account view, and returns the
 * response with `everything` it said: its error message and every log line, to search for what must not leak.
 */
export async function respondTo(fragment: unknown, params: unknown, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const { logger, lines } = captureLogs();
  const event = { requestId: "r", region: "us-east-1", accountId: "123456789012", params, templateParameterValues: {}, fragment, ...extra };
  const response = await respond(event, env, logger, () => offlineAccountView({}));
  return { response, everything: `${response.errorMessage ?? ""}\n${lines.join("\n")}` };
}
