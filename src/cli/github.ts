/**
 * `--format github`: warnings and errors as GitHub Actions workflow commands, which the runner turns
 * into annotations on the file (it reads them from a step's stdout and stderr alike).
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Diagnostic } from "../rules";

/** A command's message: `%`, CR and LF are escaped, as the runner expects (and unescapes). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property's value (file=, title=): also `:` and `,`, which would end it. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function annotation(level: "warning" | "error", message: string, properties: Record<string, string> = {}): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(message)}\n`;
}

/** One annotation per warning or error of the macro, on the template, titled with the rule id. */
export function diagnosticAnnotation(diagnostic: Diagnostic, file: string): string {
  const level = diagnostic.severity === "error" ? "error" : "warning";
  // The text starts with "[<rule id>] ": the title already says it.
  const prefix = `[${diagnostic.rule}] `;
  const message = diagnostic.text.startsWith(prefix) ? diagnostic.text.slice(prefix.length) : diagnostic.text;
  return annotation(level, message, { file, title: diagnostic.rule });
}
