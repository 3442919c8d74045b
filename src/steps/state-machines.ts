/** Step Functions state machines: logging to a forwarded group, tags, trace merging, and X-Ray. */
import { checkStateMachineTags, instrumentStateMachine, stateMachineLogTarget, stateMachineTags, traceStateMachine } from "../stepfunctions/state-machines";
import { queriesOf, type Step } from "./step";

export const STATE_MACHINES: Step = {
  kind: "Step Functions state machines",
  plan({ selection, ctx, logs, report }) {
    const { config } = ctx;
    const destination = config.stepFunctionForwarderArn;
    const logged = destination === undefined ? [] : selection.stateMachines.map((machine) => ({ machine, target: stateMachineLogTarget(machine, ctx, logs, destination, report) }));
    const traced = config.enableXrayTracing ? selection.stateMachines : [];
    const tags = stateMachineTags(config, ctx.macroVersion);
    for (const { machine } of logged) checkStateMachineTags(machine, tags, ctx.conditions, report);
    return {
      logQueries: () => queriesOf(logged.map(({ target }) => target)),
      instrumented: [...new Set([...logged.map(({ machine }) => machine.logicalId), ...traced.map((machine) => machine.logicalId)])],
      apply({ facts, grants }) {
        for (const { machine, target } of logged) instrumentStateMachine(machine, ctx, logs, facts, target, { tags, grants });
        for (const machine of traced) traceStateMachine(machine, ctx, grants);
      },
    };
  },
};
