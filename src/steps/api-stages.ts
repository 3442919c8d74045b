/** API Gateway stages: their access and execution logs to the forwarder, and X-Ray on REST stages. */
import { executionTargets, needsStackResources, NO_API_GROUPS, planApiGroups } from "../forwarder";
import { literal } from "../config/parameters";
import { traceApiStages } from "../instrument/api-tracing";
import { FUNCTION_LOG_RETENTION_DAYS } from "./functions";
import { queriesOf, subscribeTargets, type Step } from "./step";

export const API_STAGES: Step = {
  kind: "API Gateway stages",
  plan({ selection, ctx, logs, report }) {
    const { config } = ctx;
    const stages = selection.apiStages;
    const destination = config.forwarderArn;
    const groups =
      destination === undefined
        ? NO_API_GROUPS
        : planApiGroups(stages, config, ctx.resources, logs, { destination, retentionInDays: config.logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS, region: ctx.region, accountId: ctx.template.pseudoParameters?.["AWS::AccountId"], stackName: literal(config.stackName) }, report);
    const traced = config.enableXrayTracing ? stages : [];
    return {
      needsStackResources: needsStackResources(groups),
      logQueries: (stackResources) => queriesOf([...groups.targets, ...executionTargets(groups, stackResources, logs)].map(({ target }) => target)),
      instrumented: [],
      apply({ facts }) {
        subscribeTargets([...groups.targets, ...executionTargets(groups, facts.stackResources ?? new Map(), logs)], { ctx, facts, logs });
        traceApiStages(traced, ctx);
      },
    };
  },
};
