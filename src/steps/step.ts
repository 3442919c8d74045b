/**
 * A step instruments one kind of resource. The transform runs the list of steps (`STEPS`) in two phases
 * around the only I/O: each step plans from the model and the configuration (and may fail the transform),
 * says which lookups it needs, then applies through the draft once the account's facts are known.
 */
import type { ParameterName } from "../config/parameters";
import type { Grants } from "../instrument/permissions";
import type { InstrumentContext } from "../instrument/context";
import { queryFor, subscribe, warnUnsubscribed, type TargetOutcome, type TemplateLogs } from "../forwarder";
import type { LogFacts, LogGroupQuery } from "../lookup/gather";
import type { PinnedLayer } from "../lookup/layer-checks";
import type { Selection, TemplateModel } from "../model";
import type { Report } from "../rules";

export interface PlanInput {
  model: TemplateModel;
  /** What `exclude` and the skip rules leave to instrument, of every kind. */
  selection: Selection;
  ctx: InstrumentContext;
  /** The template's log groups and filters (indexed only when something is forwarded). */
  logs: TemplateLogs;
  /** Errors found while planning fail the transform before any lookup. */
  report: Report;
  /** Parameters already reported as invalid (not to be reported again). */
  invalid: ReadonlySet<ParameterName>;
}

export interface ApplyInput {
  ctx: InstrumentContext;
  facts: LogFacts;
  logs: TemplateLogs;
  /** Permissions, collected from every step and written once per role after the last. */
  grants: Grants;
  /** Errors found on the result (a limit the additions would pass) still fail the transform. */
  report: Report;
}

/** A step's plan: what it needs looked up, how it applies, and what it instruments. */
export interface Planned {
  /** The log groups to look up; `stackResources` holds the stack's physical ids once `needsStackResources` asked for them. */
  logQueries?(stackResources: ReadonlyMap<string, string>): LogGroupQuery[];
  needsStackResources?: boolean;
  /** Layer versions picked by parameters, to check that they exist. */
  pinnedLayers?: PinnedLayer[];
  apply(input: ApplyInput): void;
  /** Resources that send data to Datadog once applied, and those that only get tags. */
  instrumented: string[];
  tagsOnly?: string[];
  /** Logical ids of the Datadog monitors added, filled in by `apply`. */
  monitors?: string[];
}

export interface Step {
  /** What it instruments, for readers and tests. */
  kind: string;
  plan(input: PlanInput): Planned;
}

/** The lookups of the targets that need one (a group known by name or prefix in the account). */
export function queriesOf(outcomes: Iterable<TargetOutcome>): LogGroupQuery[] {
  const queries: LogGroupQuery[] = [];
  for (const outcome of outcomes) {
    const query = "target" in outcome ? queryFor(outcome.target) : undefined;
    if (query) queries.push(query);
  }
  return queries;
}

/** A log group a step forwards: its owner, where it is (or why not), and whether the owner waits for a group the macro declares. */
export interface OwnedTarget {
  ownerId: string;
  target: TargetOutcome;
  waits?: boolean;
}

/** Subscribes each target (declaring its group where needed), or says why it cannot be. */
export function subscribeTargets(targets: Iterable<OwnedTarget>, { ctx, facts, logs }: Pick<ApplyInput, "ctx" | "facts" | "logs">): void {
  for (const { ownerId, target, waits } of targets) {
    if (!("target" in target)) {
      warnUnsubscribed(ownerId, target, ctx.warnings);
      continue;
    }
    const { declaredGroupId } = subscribe(target.target, facts, logs, ctx.draft, ctx.warnings);
    if (waits && declaredGroupId !== undefined) ctx.draft.dependOn(ownerId, declaredGroupId);
  }
}
