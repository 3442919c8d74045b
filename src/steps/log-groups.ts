/** `forwardLogGroups`: more log groups to forward, by name or by the logical id of a group of the template. */
import { literal } from "../config/parameters";
import { namedGroupTargets } from "../forwarder";
import { queriesOf, subscribeTargets, type Step } from "./step";

export const LOG_GROUPS: Step = {
  kind: "log groups listed in forwardLogGroups",
  plan({ ctx, logs, report }) {
    const { config } = ctx;
    const destination = config.forwarderArn;
    const targets = destination === undefined ? [] : namedGroupTargets(config.forwardLogGroups, ctx.resources, logs, destination, literal(config.stackName), report);
    return {
      logQueries: () => queriesOf(targets.map(({ target }) => target)),
      instrumented: [],
      apply({ facts }) {
        subscribeTargets(targets, { ctx, facts, logs });
      },
    };
  },
};
