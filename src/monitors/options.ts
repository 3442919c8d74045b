/**
 * The names a monitor may use: the plugin's (Datadog's monitor API, snake_case) or the resource type's
 * (PascalCase), each mapped to the `Datadog::Monitors::Monitor` property it sets, with the kind of value
 * it takes. The type's schema allows no other property (additionalProperties false): any other name
 * would fail the deploy, so the macro reports it first.
 */

/** What a value must be; `tree` is a nested structure passed on with its keys in the type's spelling. */
export type ValueKind = "boolean" | "integer" | "number" | "string" | "stringList" | "thresholds" | "tree";

/** The monitor's own properties (besides Options), by property name. */
export const MONITOR_PROPERTIES: Readonly<Record<string, ValueKind>> = {
  Name: "string",
  Message: "string",
  Query: "string",
  Type: "string",
  Tags: "stringList",
  Priority: "integer",
  RestrictedRoles: "stringList",
};

/** `Options` properties, by property name. */
export const MONITOR_OPTIONS: Readonly<Record<string, ValueKind>> = {
  EnableLogsSample: "boolean",
  EnableSamples: "boolean",
  EscalationMessage: "string",
  EvaluationDelay: "integer",
  GroupRetentionDuration: "string",
  IncludeTags: "boolean",
  Locked: "boolean",
  MinFailureDuration: "integer",
  MinLocationFailed: "integer",
  NewGroupDelay: "integer",
  NewHostDelay: "integer",
  NoDataTimeframe: "integer",
  NotificationPresetName: "string",
  NotifyAudit: "boolean",
  NotifyBy: "stringList",
  NotifyNoData: "boolean",
  OnMissingData: "string",
  RenotifyInterval: "integer",
  RenotifyOccurrences: "integer",
  RenotifyStatuses: "stringList",
  RequireFullWindow: "boolean",
  SchedulingOptions: "tree",
  SyntheticsCheckID: "integer",
  Thresholds: "thresholds",
  ThresholdWindows: "tree",
  TimeoutH: "integer",
  Variables: "tree",
};

/** Options whose values the type's schema lists (for a list, its items'). */
export const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  NotificationPresetName: ["show_all", "hide_query", "hide_handles", "hide_all"],
  OnMissingData: ["default", "show_no_data", "show_and_notify_no_data", "resolve"],
  RenotifyStatuses: ["alert", "no data", "warn"],
};

/** The shape of the nested options the schema spells out (`Variables` is left to the type: its shape varies by query). */
export interface NestedShape {
  [name: string]: "string" | { integer: { min: number; max: number } } | NestedShape;
}
export const NESTED_OPTIONS: Readonly<Record<string, NestedShape>> = {
  SchedulingOptions: { EvaluationWindow: { DayStarts: "string", MonthStarts: { integer: { min: 1, max: 1 } }, HourStarts: { integer: { min: 0, max: 59 } } } },
  ThresholdWindows: { TriggerWindow: "string", RecoveryWindow: "string" },
};

/** `Options.Thresholds` properties. */
export const MONITOR_THRESHOLDS = ["Critical", "CriticalRecovery", "OK", "Warning", "WarningRecovery"] as const;

/** The monitor types the resource type accepts (its schema's enum for `Type`). */
export const MONITOR_TYPES: readonly string[] = [
  "audit alert",
  "composite",
  "event alert",
  "event-v2 alert",
  "log alert",
  "metric alert",
  "process alert",
  "query alert",
  "service check",
  "synthetics alert",
  "trace-analytics alert",
  "slo alert",
  "rum alert",
  "ci-pipelines alert",
  "error-tracking alert",
  "ci-tests alert",
  "database-monitoring alert",
  "network-performance alert",
  "cost alert",
  "data-quality alert",
];

/** `Priority` runs from 1 (high) to 5 (low). */
export const PRIORITY_RANGE = { min: 1, max: 5 } as const;

/** Names whose type spelling is not the plain PascalCase of the API's. */
const SPECIAL_SPELLINGS: Readonly<Record<string, string>> = { ok: "OK", synthetics_check_id: "SyntheticsCheckID" };

/** `include_tags` → `IncludeTags` (and a name already in the type's spelling stays as it is). */
export function typeSpelling(name: string): string {
  const lowered = name.toLowerCase();
  if (Object.hasOwn(SPECIAL_SPELLINGS, lowered)) return SPECIAL_SPELLINGS[lowered];
  return name
    .split("_")
    .map((part) => (part === "" ? "" : part[0].toUpperCase() + part.slice(1)))
    .join("");
}
