/** `forwardLogGroups`: more log groups to forward, by name or by the logical id of a group of the template. */
import { literal } from "../config/parameters";
import { namedGroupTargets, subscribe, warnUnsubscribed } from "../forwarder";
import { queriesOf, type Step } from "./step";

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
        for (const { ownerId, target } of targets) {
          if ("target" in target) subscribe(target.target, facts, logs, ctx.draft, ctx.warnings);
          else warnUnsubscribed(ownerId, target, ctx.warnings);
        }
      },
    };
  },
};
