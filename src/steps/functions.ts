/** Lambda functions: layers, handler, environment, tags, X-Ray and permissions, and their log subscriptions. */
import { functionLogTarget, type TargetOutcome, type TemplateLogs } from "../forwarder";
import { checkLayerVersions, checkSynchronousMetricsKey } from "../instrument/checks";
import type { InstrumentContext } from "../instrument/context";
import { ENVIRONMENT_LIMIT_BYTES } from "../instrument/environment-size";
import { applyFunction, planFunction, type FunctionPlan } from "../instrument/function";
import { checkFunctionTags, functionTagSets } from "../instrument/function-tags";
import { defaultedLayers, pinnedLayers, type LayerCache } from "../instrument/layers";
import { secretStatements } from "../instrument/secret-access";
import { DEFAULT_LAYER_VERSIONS, ENVIRONMENT_TOO_LARGE, FORWARDER_NEEDS_STACK_NAME, NO_LAYERS_IN_CHINA, type Report } from "../rules";
import { queriesOf, subscribeTargets, type Step } from "./step";

/** Lambda functions keep forwarded logs a month in CloudWatch unless `logRetentionInDays` says otherwise. */
export const FUNCTION_LOG_RETENTION_DAYS = 30;

export const FUNCTIONS: Step = {
  kind: "Lambda functions",
  plan({ selection, ctx, logs, report, invalid }) {
    const { config } = ctx;
    checkLayerVersions(selection.functions, config, invalid, report);
    checkSynchronousMetricsKey(selection.functions, config, ctx.derived.extension, report);
    const cache: LayerCache = new Map();
    const plans = selection.functions.map((fn) => planFunction(fn, ctx, cache, report));
    const defaults = defaultedLayers(cache);
    if (defaults.length > 0) report.note(DEFAULT_LAYER_VERSIONS, { layers: defaults });
    const targets = planSubscriptions(plans, ctx, logs, report);
    const tags = functionTagSets(ctx);
    for (const { fn } of plans) checkFunctionTags(fn, tags(fn), ctx.conditions, report);
    return {
      pinnedLayers: pinnedLayers(plans.map((plan) => plan.layers)),
      logQueries: () => queriesOf(targets.map(({ target }) => target)),
      instrumented: plans.filter(({ fn }) => fn.edge === undefined).map(({ fn }) => fn.logicalId),
      tagsOnly: plans.filter(({ fn }) => fn.edge !== undefined).map(({ fn }) => fn.logicalId),
      apply({ facts, grants, report: result }) {
        if (ctx.partition === "aws-cn" && config.useLayersFromAccount === undefined && plans.length > 0) result.warn(NO_LAYERS_IN_CHINA, {});
        const setup = { tags, grants, statements: secretStatements(config) };
        for (const plan of plans) {
          const tooLarge = applyFunction(plan, ctx, setup);
          if (tooLarge) result.error(ENVIRONMENT_TOO_LARGE, { resource: plan.fn.logicalId, ...tooLarge, limit: ENVIRONMENT_LIMIT_BYTES });
        }
        subscribeTargets(targets, { ctx, facts, logs });
      },
    };
  },
};

function planSubscriptions(plans: FunctionPlan[], ctx: InstrumentContext, logs: TemplateLogs, report: Report): { ownerId: string; target: TargetOutcome }[] {
  const { forwarderArn, stackName, logRetentionInDays } = ctx.config;
  // With the extension, function logs go through it; the forwarder takes the stack's other logs.
  if (forwarderArn === undefined || ctx.derived.extension) return [];
  const settings = { destination: forwarderArn, stackName, retentionInDays: logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS };
  // Lambda@Edge logs go to groups in every region the function runs in, not to the function's own.
  const targets = plans.filter(({ fn }) => fn.edge === undefined).map(({ fn }) => ({ ownerId: fn.logicalId, target: functionLogTarget(fn, ctx.resources, logs, settings) }));
  const unnamed = targets.filter(({ target }) => "needsStackName" in target).map(({ ownerId }) => ownerId);
  if (unnamed.length > 0) report.error(FORWARDER_NEEDS_STACK_NAME, { ids: unnamed });
  return targets;
}
