/**
 * Problems found while transforming, as rule instances. Steps that cannot fail receive `Warnings`,
 * a type that has no way to record an error.
 */
import { MACRO_NAME } from "../version";
import type { ErrorRule, NoteRule, Rule, Severity, WarningRule } from "./rule";

export interface Diagnostic {
  rule: string;
  severity: Severity;
  /** The full text: id, resource, message and fix. */
  text: string;
  resource?: string;
}

export interface Warnings {
  warn<A>(rule: WarningRule<A>, args: A): void;
  note<A>(rule: NoteRule<A>, args: A): void;
}

export function formatDiagnostic<A>(rule: Rule<A>, args: A): Diagnostic {
  const resource = rule.resource?.(args);
  const message = rule.message(args);
  const text = `[${rule.id}] ${resource ? `${resource}: ` : ""}${message}${/[.?!]$/.test(message) ? "" : "."} ${rule.fix}`;
  return { rule: rule.id, severity: rule.severity, text, resource };
}

export class Report implements Warnings {
  readonly diagnostics: Diagnostic[] = [];

  error<A>(rule: ErrorRule<A>, args: A): void {
    this.diagnostics.push(formatDiagnostic(rule, args));
  }

  warn<A>(rule: WarningRule<A>, args: A): void {
    this.diagnostics.push(formatDiagnostic(rule, args));
  }

  note<A>(rule: NoteRule<A>, args: A): void {
    this.diagnostics.push(formatDiagnostic(rule, args));
  }

  get failed(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }

  get errors(): string[] {
    return this.diagnostics.filter((d) => d.severity === "error").map((d) => d.text);
  }

  get warnings(): string[] {
    return this.diagnostics.filter((d) => d.severity === "warning").map((d) => d.text);
  }
}

/** One message for CloudFormation (and the CLI) that lists every problem found. */
export function formatErrors(errors: readonly string[]): string {
  if (errors.length === 1) return `${MACRO_NAME} macro: ${errors[0]}`;
  return `${MACRO_NAME} macro found ${errors.length} problems:\n${errors.map((error, i) => `${i + 1}. ${error}`).join("\n")}`;
}
