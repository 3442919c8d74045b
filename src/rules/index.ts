/** The rule table and the report that records rule instances. */
import * as table from "./table";
import type { Rule } from "./rule";

export * from "./rule";
export * from "./report";
export * from "./table";

const ORDER = { error: 0, warning: 1, info: 2 };

/** Every rule, errors first, then warnings and notes, in id order (plain comparison: `localeCompare` would load ICU at start-up). */
export const RULES: readonly Rule<never>[] = (Object.values(table) as Rule<never>[]).sort((a, b) =>
  a.severity !== b.severity ? ORDER[a.severity] - ORDER[b.severity] : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);
export * from "./redact";
