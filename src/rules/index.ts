/** The rule table and the report that records rule instances. */
import * as table from "./table";
import type { Rule } from "./rule";

export * from "./rule";
export * from "./report";
export * from "./table";

/** Every rule, errors first, in id order. */
export const RULES: readonly Rule<never>[] = (Object.values(table) as Rule<never>[]).sort(
  (a, b) => (a.severity === b.severity ? a.id.localeCompare(b.id) : a.severity === "error" ? -1 : 1),
);
export * from "./redact";
