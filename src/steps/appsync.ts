/** AppSync GraphQL APIs: their logs to the forwarder, and X-Ray tracing. */
import { appSyncTargets, NO_APPSYNC_GROUPS, planAppSyncGroups } from "../forwarder";
import { traceAppSyncApis } from "../instrument/api-tracing";
import { FUNCTION_LOG_RETENTION_DAYS } from "./functions";
import { queriesOf, subscribeTargets, type Step } from "./step";

export const APPSYNC_APIS: Step = {
  kind: "AppSync GraphQL APIs",
  plan({ selection, ctx, logs, report }) {
    const { config } = ctx;
    const apis = selection.appSyncApis;
    const destination = config.forwarderArn;
    const groups = destination === undefined ? NO_APPSYNC_GROUPS : planAppSyncGroups(apis, config, { destination, retentionInDays: config.logRetentionInDays ?? FUNCTION_LOG_RETENTION_DAYS }, report);
    const traced = config.enableXrayTracing ? apis : [];
    const forwarded = new Set(groups.apiIds);
    return {
      needsStackResources: groups.apiIds.length > 0,
      logQueries: (stackResources) => queriesOf(appSyncTargets(groups, stackResources, logs).map(({ target }) => target)),
      // From the plan, not from what the lookups found: a second run lists the same APIs.
      instrumented: apis.filter((api) => forwarded.has(api.logicalId) || (traced.length > 0 && api.xrayEnabled !== false)).map((api) => api.logicalId),
      apply({ facts }) {
        subscribeTargets(appSyncTargets(groups, facts.stackResources ?? new Map(), logs), { ctx, facts, logs });
        traceAppSyncApis(traced, ctx);
      },
    };
  },
};
