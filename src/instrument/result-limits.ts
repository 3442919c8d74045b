/**
 * The quotas of what CloudFormation will deploy, checked on the macro's output: the stack's 500 resources
 * (E104), and, for every function, state machine and role of the template, including those the macro left alone or added nothing to. What the
 * macro's additions break is reported where they are made (E204, E205, E206), with what was added; this
 * catches what the template already breaks by itself: its deploy fails whatever the macro does, and the
 * macro says so, naming the resource, before CloudFormation fails part-way and rolls back.
 */
import { isObject, own, type ConditionSpace, type JsonObject, type TemplateContext } from "../intrinsics";
import { IAM_ROLE, LAMBDA_FUNCTION, SAM_FUNCTION_TAG, SAM_STATE_MACHINE_TAG, SERVERLESS_FUNCTION, SERVERLESS_STATE_MACHINE, STATE_MACHINE } from "../model";
import { LIMIT_ALREADY_EXCEEDED, TOO_MANY_RESOURCES, type Report } from "../rules";
import type { InstrumentContext } from "./context";
import { checkEnvironmentUnder, ENVIRONMENT_LIMIT_BYTES } from "./environment-size";
import { AttachedPolicies, MAX_INLINE_POLICY_CHARS } from "./role-policies";
import { MAX_TAGS, tagsAfterUnder } from "./tags";
import { tagKeys } from "./tags";

export interface OutputView {
  /** The output's resources. */
  resources: JsonObject;
  /** The output's `Globals.Function` (SAM, when the macro runs before SAM's transform). */
  functionGlobals: JsonObject;
  context: TemplateContext;
  conditions: ConditionSpace;
}

/** CloudFormation's limit on resources in a template. */
export const MAX_RESOURCES = 500;

/**
 * Errors for what the draft's result would break: more resources than a stack may hold, and what the
 * template already breaks by itself (resources an error of the macro's additions names are not reported again).
 */
export function checkResultLimits(ctx: InstrumentContext, report: Report): void {
  const before = Object.keys(ctx.resources).length;
  if (ctx.draft.added > 0 && before + ctx.draft.added > MAX_RESOURCES) report.error(TOO_MANY_RESOURCES, { before, after: before + ctx.draft.added, limit: MAX_RESOURCES });
  const reported = new Set(report.diagnostics.filter((d) => d.severity === "error" && d.resource !== undefined).map((d) => d.resource as string));
  const output = ctx.draft.result();
  const globals = own(own(output, "Globals"), "Function");
  checkExistingLimits({ resources: isObject(output.Resources) ? output.Resources : {}, functionGlobals: isObject(globals) ? globals : {}, context: ctx.template, conditions: ctx.conditions }, reported, report);
}

/** Reports every resource of the output past a quota, except those `reported` already names. */
export function checkExistingLimits(output: OutputView, reported: ReadonlySet<string>, report: Report): void {
  let attached: AttachedPolicies | undefined;
  for (const id in output.resources) {
    if (reported.has(id)) continue;
    const resource = output.resources[id];
    const properties = own(resource, "Properties");
    if (!isObject(properties)) continue;
    const type = own(resource, "Type");
    if (type === LAMBDA_FUNCTION || type === SERVERLESS_FUNCTION) {
      const sam = type === SERVERLESS_FUNCTION;
      checkVariables(id, properties, sam ? output.functionGlobals : {}, output, report);
      const inherited = sam ? tagKeys(output.functionGlobals.Tags) : new Set<string>();
      checkTagCount(id, "Lambda", tagsAfterUnder(output.conditions, properties.Tags, sam ? "map" : "list", [], inherited, sam ? [SAM_FUNCTION_TAG] : [])?.count, report);
    } else if (type === STATE_MACHINE || type === SERVERLESS_STATE_MACHINE) {
      const sam = type === SERVERLESS_STATE_MACHINE;
      checkTagCount(id, "Step Functions", tagsAfterUnder(output.conditions, properties.Tags, sam ? "map" : "list", [], new Set(), sam ? [SAM_STATE_MACHINE_TAG] : [])?.count, report);
    } else if (type === IAM_ROLE) {
      // Only what is certain counts here: a template is never refused on an estimate.
      attached ??= new AttachedPolicies(output.resources, output.context, output.conditions, "certain");
      const chars = attached.inlineChars(id, Array.isArray(properties.Policies) ? properties.Policies : []);
      if (chars > MAX_INLINE_POLICY_CHARS) report.error(LIMIT_ALREADY_EXCEEDED, { resource: id, what: "inline policies", size: `${chars} characters`, quota: `IAM's ${MAX_INLINE_POLICY_CHARS} characters per role` });
    }
  }
}

function checkVariables(id: string, properties: JsonObject, globals: JsonObject, output: OutputView, report: Report): void {
  const environment = properties.Environment;
  const inherited = own(own(globals, "Environment"), "Variables");
  const size = checkEnvironmentUnder(output.conditions, environment, environment, isObject(inherited) ? inherited : {}, output.context);
  if (size !== undefined && "tooLarge" in size) {
    report.error(LIMIT_ALREADY_EXCEEDED, { resource: id, what: "environment variables", size: `${size.tooLarge.after} bytes`, quota: `Lambda's ${ENVIRONMENT_LIMIT_BYTES} bytes per function` });
  }
}

function checkTagCount(id: string, service: string, count: number | undefined, report: Report): void {
  if (count !== undefined && count > MAX_TAGS) report.error(LIMIT_ALREADY_EXCEEDED, { resource: id, what: "tags", size: String(count), quota: `${service}'s ${MAX_TAGS} tags per resource` });
}
