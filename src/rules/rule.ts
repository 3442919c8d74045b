/** A rule: one kind of problem the macro reports, declared once with its id, severity, message and fix. */

/** Errors fail the transform; warnings do not; notes only tell what the macro chose (logged, shown by the preview). */
export type Severity = "error" | "warning" | "info";

export interface Rule<A, S extends Severity = Severity> {
  id: string;
  severity: S;
  /** What happened, in general terms (README's troubleshooting table). */
  summary: string;
  /** What to do about it; appended to every message. */
  fix: string;
  /** The specific message: what, and where. */
  message: (args: A) => string;
  /** The resource the message is about, when it is about one. */
  resource?: (args: A) => string | undefined;
}

export type ErrorRule<A> = Rule<A, "error">;
export type WarningRule<A> = Rule<A, "warning">;
export type NoteRule<A> = Rule<A, "info">;

/** Arguments that name the resource the problem is about. */
export interface About {
  resource: string;
}

export const error = <A>(rule: Omit<ErrorRule<A>, "severity">): ErrorRule<A> => ({ ...rule, severity: "error" });
export const warning = <A>(rule: Omit<WarningRule<A>, "severity">): WarningRule<A> => ({ ...rule, severity: "warning" });
export const note = <A>(rule: Omit<NoteRule<A>, "severity">): NoteRule<A> => ({ ...rule, severity: "info" });
/** For rules whose arguments name a resource. */
export const about = (args: About): string => args.resource;

/** Code spans for a list of names: `a`, `b`. */
export const names = (list: readonly string[]): string => list.map((name) => `\`${name}\``).join(", ");
