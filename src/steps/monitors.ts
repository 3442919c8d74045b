/** Datadog monitors the stack owns (`monitors`): one `Datadog::Monitors::Monitor` resource each, created and deleted with the stack. */
import { monitorResource } from "../monitors/build";
import { MONITOR_KEY_IN_TEMPLATE } from "../rules";
import type { Step } from "./step";

/** The plugin's keys for Datadog's monitor API: the resource type's configuration holds them here. */
const TYPE_CONFIGURATION_KEYS = ["appKey", "monitorsApiKey", "monitorsAppKey"] as const;

/** Monitors are the stack's own, not any resource's: their logical ids start with this. */
const MONITOR_ID_PREFIX = "DatadogMonitor";

export const MONITORS: Step = {
  kind: "Datadog monitors",
  plan({ ctx, report }) {
    const { config } = ctx;
    const keys = TYPE_CONFIGURATION_KEYS.filter((name) => config[name] !== undefined);
    if (keys.length > 0) report.warn(MONITOR_KEY_IN_TEMPLATE, { names: keys });
    const tags = { service: config.service, env: config.env };
    // Built while planning, so that a monitor the type would reject fails the transform before any lookup.
    const resources = (config.monitors ?? []).flatMap(({ id, settings }) => {
      const resource = monitorResource({ id, settings }, tags, report);
      return resource === undefined ? [] : [{ id, resource }];
    });
    const added: string[] = [];
    return {
      instrumented: [],
      monitors: added,
      apply() {
        for (const { id, resource } of resources) {
          added.push(ctx.draft.add({ owner: `${MONITOR_ID_PREFIX}${monitorIdPart(id)}`, standalone: true, suffix: "", resource }));
        }
      },
    };
  },
};

/** `high_error_rate` → `HighErrorRate`: the monitor id in a logical id (letters and digits; the draft's gate settles collisions). */
function monitorIdPart(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((part) => (part === "" ? "" : part[0].toUpperCase() + part.slice(1)))
    .join("");
}
