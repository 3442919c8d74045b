/**
 * `monitors`: Datadog monitors owned by the stack, as `Datadog::Monitors::Monitor` resources. The
 * produced properties are held against the type's published schema: test/fixtures/datadog-monitors-monitor.json
 * is a copy of `datadog-monitors-monitor-handler/datadog-monitors-monitor.json` in Datadog's public
 * repository DataDog/datadog-cloudformation-resources (version 4.10.0 of the type).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RECOMMENDED_MONITORS, RECOMMENDED_MONITOR_IDS } from "../../src/monitors/recommended";
import { MONITOR_OPTIONS, MONITOR_PROPERTIES, MONITOR_TYPES } from "../../src/monitors/options";
import { withMonitorTable } from "../../src/monitors/docs";
import { SUMMARY_KEY } from "../../src/summary";
import { python } from "../helpers/builders";
import { respondTo } from "../helpers/handler";
import { validate, validateResourceProperties } from "../helpers/json-schema";
import { ALL_LAYERS, jsonCopy, run, template } from "../helpers/macro";

const SCHEMA = JSON.parse(readFileSync(join(__dirname, "../fixtures/datadog-monitors-monitor.json"), "utf8"));
const MONITOR_TYPE = "Datadog::Monitors::Monitor";
const SCOPE = "aws_cloudformation_stack-id:${AWS::StackId}";

const base = () => template({ CreateOrder: python() });
const withMonitors = (monitors: unknown, params: Record<string, unknown> = {}) => run(base(), { ...ALL_LAYERS, monitors, ...params });

/** The monitors of a successful outcome, by logical id. */
function monitorsOf(outcome: ReturnType<typeof run>): Record<string, any> {
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.errors.join(" | ")}`);
  const resources = (outcome.fragment as any).Resources as Record<string, any>;
  return Object.fromEntries(Object.entries(resources).filter(([, resource]) => resource.Type === MONITOR_TYPE));
}
const only = (outcome: ReturnType<typeof run>) => {
  const monitors = Object.values(monitorsOf(outcome));
  expect(monitors).toHaveLength(1);
  return monitors[0].Properties;
};
const rules = (outcome: ReturnType<typeof run>) => outcome.diagnostics.map((d) => d.rule);

describe("without monitors", () => {
  test("nothing is added, and the summary has no monitors key", () => {
    const outcome = run(base(), ALL_LAYERS);
    expect(monitorsOf(outcome)).toEqual({});
    expect((outcome.fragment as any).Metadata[SUMMARY_KEY]).not.toHaveProperty("monitors");
  });

  test("an empty list changes nothing either", () => {
    expect(withMonitors([]).fragment).toEqual(run(base(), ALL_LAYERS).fragment);
  });
});

describe("recommended monitors", () => {
  test("there are the plugin's seven", () => {
    expect(RECOMMENDED_MONITOR_IDS.sort()).toEqual(["high_cold_start_rate", "high_error_rate", "high_iterator_age", "high_throttles", "increased_cost", "out_of_memory", "timeout"]);
  });

  test.each(RECOMMENDED_MONITOR_IDS)("%s: its query scoped to the stack, its threshold, name, message and tags", (id) => {
    const recommended = RECOMMENDED_MONITORS[id];
    const outcome = withMonitors([{ [id]: null }], { service: "orders", env: "prod" });
    const logicalId = `DatadogMonitor${id.split("_").map((part) => part[0].toUpperCase() + part.slice(1)).join("")}`;
    const properties = monitorsOf(outcome)[logicalId].Properties;
    const query: string = properties.Query["Fn::Sub"];
    expect(query).toBe(`${recommended.measure.split("$scope").join(SCOPE)} ${recommended.comparison} ${recommended.critical}`);
    expect(query).not.toContain("$scope");
    expect(properties).toMatchObject({ Name: recommended.name, Message: recommended.message, Type: "metric alert", Options: { Thresholds: { Critical: recommended.critical } } });
    expect(properties.Tags).toEqual(["service:orders", "env:prod", "created_by:dd_sls_macro"]);
    expect(validateResourceProperties(properties, SCHEMA)).toEqual([]);
    expect((outcome.fragment as any).Metadata[SUMMARY_KEY].monitors).toEqual([logicalId]);
  });

  test("the metrics and thresholds of the plugin's README", () => {
    const expected: Record<string, [string[], string, number]> = {
      high_error_rate: [["aws.lambda.errors", "aws.lambda.invocations"], ">=", 0.1],
      timeout: [["aws.lambda.duration.maximum", "aws.lambda.timeout"], ">=", 1],
      out_of_memory: [["aws.lambda.enhanced.out_of_memory"], ">", 0],
      high_iterator_age: [["aws.lambda.iterator_age.maximum"], ">=", 24 * 3600 * 1000],
      high_cold_start_rate: [["aws.lambda.enhanced.invocations{cold_start:true", "aws.lambda.enhanced.invocations"], ">=", 0.2],
      high_throttles: [["aws.lambda.throttles", "aws.lambda.invocations"], ">=", 0.2],
      increased_cost: [["pct_change(", "aws.lambda.enhanced.estimated_cost"], ">", 20],
    };
    for (const [id, [metrics, comparison, critical]] of Object.entries(expected)) {
      for (const metric of metrics) expect(RECOMMENDED_MONITORS[id].measure).toContain(metric);
      expect(RECOMMENDED_MONITORS[id]).toMatchObject({ comparison, critical });
    }
  });

  test("a customised threshold is the query's comparison too; the user's name, message, tags and options win", () => {
    const properties = only(
      withMonitors([
        {
          high_error_rate: {
            name: "Errors",
            message: "Notify @slack-orders",
            tags: ["team:orders", "env:staging"],
            options: { include_tags: true, notify_audit: true, thresholds: { warning: 0.05, critical: 0.25 } },
          },
        },
      ], { env: "prod" }),
    );
    expect(properties.Query["Fn::Sub"]).toMatch(/ >= 0\.25$/);
    expect(properties).toMatchObject({ Name: "Errors", Message: "Notify @slack-orders", Options: { IncludeTags: true, NotifyAudit: true, Thresholds: { Warning: 0.05, Critical: 0.25 } } });
    // The user's env tag replaces the macro's.
    expect(properties.Tags).toEqual(["created_by:dd_sls_macro", "team:orders", "env:staging"]);
    expect(validateResourceProperties(properties, SCHEMA)).toEqual([]);
  });

  test("the plugin README's example: options beside the monitor's properties go into Options", () => {
    const properties = only(withMonitors([{ high_error_rate: { require_full_window: true, priority: 2, options: { thresholds: { critical: 0.1 } } } }]));
    expect(properties).toMatchObject({ Priority: 2, Options: { RequireFullWindow: true, Thresholds: { Critical: 0.1 } } });
  });

  test("a critical threshold given as an intrinsic function reaches the query through Fn::Sub's variables", () => {
    const critical = { Ref: "ErrorRateThreshold" };
    const properties = only(withMonitors([{ high_error_rate: { options: { thresholds: { critical } } } }]));
    expect(properties.Query["Fn::Sub"][0]).toMatch(/ >= \$\{Critical\}$/);
    expect(properties.Query["Fn::Sub"][1]).toEqual({ Critical: critical });
    expect(properties.Options.Thresholds.Critical).toEqual(critical);
  });

  test("a recommended id with a query of its own uses that query, with W502", () => {
    const outcome = withMonitors([{ timeout: { query: "avg(last_5m):max:aws.lambda.duration.maximum{$scope} > 1000" } }]);
    expect(rules(outcome)).toContain("W502");
    expect(only(outcome).Query).toEqual({ "Fn::Sub": `avg(last_5m):max:aws.lambda.duration.maximum{${SCOPE}} > 1000` });
    expect(only(outcome)).not.toHaveProperty("Options");
  });
});

describe("custom monitors", () => {
  test("the query is passed as given; $scope becomes the stack, other ${ stay literal", () => {
    const properties = only(withMonitors([{ orders_backlog: { query: "avg(last_5m):sum:orders.backlog{$scope,note:${x}} > 10", type: "query alert" } }]));
    expect(properties.Query).toEqual({ "Fn::Sub": `avg(last_5m):sum:orders.backlog{${SCOPE},note:\${!x}} > 10` });
    expect(properties.Type).toBe("query alert");
    expect(properties).not.toHaveProperty("Name");
  });

  test("a query without $scope stays a plain string; the type defaults to the plugin's, metric alert", () => {
    const query = "max(next_1w):forecast(avg:system.load.1{*}, 'linear', 1) >= 3";
    const properties = only(withMonitors([{ load_forecast: { name: "Load", query, options: { thresholds: { critical: 3, warning: 2 } } } }]));
    expect(properties).toEqual({ Name: "Load", Type: "metric alert", Query: query, Tags: ["created_by:dd_sls_macro"], Options: { Thresholds: { Critical: 3, Warning: 2 } } });
    expect(validateResourceProperties(properties, SCHEMA)).toEqual([]);
  });

  test("every option of the plugin's API spelling maps to a property the schema allows", () => {
    const options = {
      enable_logs_sample: true, escalation_message: "again", evaluation_delay: 60, include_tags: false, locked: false, new_group_delay: 60, new_host_delay: 300,
      no_data_timeframe: 20, notify_audit: true, notify_by: ["functionname"], notify_no_data: false, on_missing_data: "default", renotify_interval: 30,
      renotify_occurrences: 2, renotify_statuses: ["alert"], require_full_window: false, timeout_h: 1, min_failure_duration: 0, group_retention_duration: "1h",
      threshold_windows: { trigger_window: "last_15m", recovery_window: "last_15m" }, scheduling_options: { evaluation_window: { hour_starts: 0 } },
      thresholds: { critical: 3, critical_recovery: 2, warning: 1, warning_recovery: 0.5, ok: 0 }, notification_preset_name: "show_all", synthetics_check_id: 7,
    };
    const properties = only(withMonitors([{ custom: { query: "avg(last_5m):sum:a{*} > 3", priority: 3, restricted_roles: ["r1"], options } }]));
    expect(Object.keys(properties.Options)).toHaveLength(Object.keys(options).length);
    expect(properties.Options).toMatchObject({ SyntheticsCheckID: 7, Thresholds: { OK: 0, CriticalRecovery: 2 }, SchedulingOptions: { EvaluationWindow: { HourStarts: 0 } } });
    expect(validateResourceProperties(properties, SCHEMA)).toEqual([]);
  });
});

describe("logical ids, idempotence", () => {
  test("ids are deterministic; two ids that spell the same get distinct logical ids", () => {
    const outcome = withMonitors([{ "my-check": { query: "a > 1" } }, { my_check: { query: "b > 1" } }]);
    expect(Object.keys(monitorsOf(outcome))).toEqual(["DatadogMonitorMyCheck", "DatadogMonitorMyCheck2"]);
  });

  test("the output transformed again is the same, byte for byte, summary included", () => {
    const params = { ...ALL_LAYERS, service: "orders", monitors: [...RECOMMENDED_MONITOR_IDS.map((id) => ({ [id]: {} })), { custom: { query: "avg(last_5m):sum:a{$scope} > 3" } }] };
    const first = run(base(), params);
    expect(Object.keys(monitorsOf(first))).toHaveLength(8);
    const second = run(jsonCopy(first.fragment), params);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
  });

  test("a stack with monitors and no function gets its monitors", () => {
    const outcome = run({ Resources: {} }, { monitors: [{ out_of_memory: {} }] });
    expect(Object.keys(monitorsOf(outcome))).toEqual(["DatadogMonitorOutOfMemory"]);
  });
});

describe("the schema check", () => {
  test("the validator rejects what the type would: an unknown option, a missing query, a type not in its enum", () => {
    expect(validateResourceProperties({ Query: "a > 1", Type: "metric alert", Options: { Bogus: 1 } }, SCHEMA)).toEqual(["$.Options: property Bogus is not allowed"]);
    expect(validateResourceProperties({ Type: "metric alert" }, SCHEMA)).toEqual(["$: required property Query is missing"]);
    expect(validateResourceProperties({ Query: "a > 1", Type: "metric alrt" }, SCHEMA)).toHaveLength(1);
    expect(validateResourceProperties({ Query: "a > 1", Type: "metric alert", Id: 3 }, SCHEMA)).toEqual(["$.Id: read-only, set by the type"]);
    expect(validate("high", SCHEMA.properties.Priority, SCHEMA, "$.Priority")).toEqual(["$.Priority: is string, expected integer"]);
  });

  test("the golden case's monitors hold against the schema", () => {
    const golden = JSON.parse(readFileSync(join(__dirname, "../golden/cases/monitors-recommended-and-custom.expected.json"), "utf8"));
    const monitors = Object.values(golden.fragment.Resources as Record<string, any>).filter((resource) => resource.Type === MONITOR_TYPE);
    expect(monitors).toHaveLength(4);
    for (const monitor of monitors) expect(validateResourceProperties(monitor.Properties, SCHEMA)).toEqual([]);
  });

  test("the macro's tables name only what the schema has", () => {
    expect(Object.keys(MONITOR_PROPERTIES).filter((name) => !(name in SCHEMA.properties))).toEqual([]);
    expect(Object.keys(MONITOR_OPTIONS).sort()).toEqual(Object.keys(SCHEMA.definitions.MonitorOptions.properties).sort());
    expect([...MONITOR_TYPES].sort()).toEqual([...SCHEMA.properties.Type.enum].sort());
  });
});

describe("the type's configuration keys (W501)", () => {
  test.each(["appKey", "monitorsApiKey", "monitorsAppKey"])("%s: a warning saying where it goes, and the value nowhere", (name) => {
    const secret = "0123456789abcdef0123456789abcdef";
    const outcome = withMonitors([{ high_error_rate: {} }], { [name]: secret });
    expect(outcome.ok).toBe(true);
    expect(rules(outcome)).toEqual(["W501"]);
    expect(outcome.warnings[0]).toContain("set-type-configuration");
    expect(JSON.stringify(outcome)).not.toContain(secret);
  });
});

describe("the type's configuration keys given as intrinsic functions", () => {
  test("a Ref to a NoEcho template parameter is ignored with W501, not an error", () => {
    const fragment = template({ CreateOrder: python() }, { Parameters: { DatadogAppKey: { Type: "String", NoEcho: true } } });
    const outcome = run(fragment, { ...ALL_LAYERS, appKey: { Ref: "DatadogAppKey" }, monitors: [{ timeout: {} }] });
    expect(outcome.ok).toBe(true);
    expect(rules(outcome)).toEqual(["W501"]);
    expect(JSON.stringify((outcome.fragment as any).Resources)).not.toContain("DatadogAppKey");
  });
});

describe("E501: a shape the type does not accept fails the transform", () => {
  test.each([
    ["not a list", { high_error_rate: {} }, "it is not a list"],
    ["a string that is not JSON", "high_error_rate", "not a JSON list"],
    ["an entry with two ids", [{ high_error_rate: {}, timeout: {} }], "entry 1 has 2 keys"],
    ["an entry that is a string", ["timeout"], "entry 1 is not a map"],
    ["settings that are a list", [{ timeout: ["x"] }], "settings of `timeout` are not a map"],
    ["an id given twice", [{ timeout: {} }, { timeout: {} }], "`timeout` is given twice"],
    ["an id of 101 characters", [{ ["m".repeat(101)]: { query: "a > 1" } }], "longer than 100"],
    ["a custom monitor without a query", [{ orders_backlog: { name: "Backlog" } }], "needs a `query`"],
    ["an option the type does not have", [{ timeout: { options: { notify_everyone: true } } }], "`notify_everyone` is not an option"],
    ["a property the type does not have", [{ timeout: { severity: "high" } }], "`severity` is not a property"],
    ["an option of the wrong type", [{ timeout: { options: { renotify_interval: "often" } } }], "`renotify_interval` must be a whole number"],
    ["a threshold that is not a number", [{ timeout: { options: { thresholds: { critical: "high" } } } }], "threshold `critical` must be a number"],
    ["an unknown threshold", [{ timeout: { options: { thresholds: { severe: 2 } } } }], "`severe` is none of them"],
    ["a type the schema does not list", [{ custom: { query: "a > 1", type: "metric" } }], '"metric" is not a monitor type'],
    ["a name given in two spellings", [{ timeout: { name: "a", Name: "b" } }], "given twice"],
    ["an option given twice", [{ timeout: { require_full_window: true, options: { require_full_window: false } } }], "given twice"],
    ["tags that are an intrinsic function", [{ timeout: { tags: { Ref: "Tags" } } }], "`tags` must be a list"],
  ])("%s", (_what, monitors, problem) => {
    const outcome = withMonitors(monitors);
    expect(outcome.ok).toBe(false);
    expect(rules(outcome)).toEqual(["E501"]);
    expect(outcome.errors[0]).toContain(problem);
    expect(outcome.fragment).toEqual(base());
  });

  test("an id of 100 characters is accepted", () => {
    expect(Object.keys(monitorsOf(withMonitors([{ ["m".repeat(100)]: { query: "a > 1" } }])))).toHaveLength(1);
  });

  test.each([
    [0, false],
    [1, true],
    [5, true],
    [6, false],
  ])("priority %d: accepted %s (the type's range is 1 to 5)", (priority, accepted) => {
    expect(withMonitors([{ timeout: { priority } }]).ok).toBe(accepted);
  });

  test("a JSON string of the list is read as the list (CDK mappings hold strings)", () => {
    expect(Object.keys(monitorsOf(withMonitors(JSON.stringify([{ timeout: {} }]))))).toEqual(["DatadogMonitorTimeout"]);
  });
});

describe("tags", () => {
  test("service and env deferred to deploy time are joined into their tags", () => {
    const service = { Ref: "ServiceName" };
    expect(only(withMonitors([{ timeout: {} }], { service })).Tags).toEqual([{ "Fn::Join": ["", ["service:", service]] }, "created_by:dd_sls_macro"]);
  });
});

describe("README", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

  test("its table of recommended monitors is the one generated from the table (run `npm run generate`)", () => {
    expect(withMonitorTable(readme)).toBe(readme);
    for (const id of RECOMMENDED_MONITOR_IDS) expect(readme).toContain(`| \`${id}\` |`);
  });

  test("says how to activate the type, that a deploy fails without it, and how to delete a monitor", () => {
    expect(readme).toContain("aws cloudformation activate-type");
    expect(readme).toContain("--publisher-id 7171b96e5d207b947eb72ca9ce05247c246de623");
    expect(readme).toContain("aws cloudformation set-type-configuration");
    expect(readme).toMatch(/deploy fails with an unknown resource type/);
    expect(readme).toContain("To delete a monitor, remove it from `monitors`");
  });
});
describe("what the type's schema accepts, however the monitors are written", () => {
  const REVIEW_SCHEMA = JSON.parse(readFileSync(join(__dirname, "../fixtures/datadog-monitors-monitor.json"), "utf8"));
  const MONITOR_TYPE = "Datadog::Monitors::Monitor";
  const SCOPE = "aws_cloudformation_stack-id:${AWS::StackId}";

  const base = () => template({ CreateOrder: python() });
  const monitorsOf = (outcome: ReturnType<typeof run>): any[] =>
    outcome.ok ? Object.values((outcome.fragment as any).Resources).filter((r: any) => r.Type === MONITOR_TYPE) : [];
  /** What a deploy would meet: an E501 at transform time, or properties the type's schema accepts. */
  const schemaProblems = (outcome: ReturnType<typeof run>) => monitorsOf(outcome).flatMap((m) => validateResourceProperties(m.Properties, REVIEW_SCHEMA));

  test("monitor option values outside the type's enums (on_missing_data, notification_preset_name, renotify_statuses) fail with E501, not at deploy", () => {
    for (const options of [{ on_missing_data: "show_nodata" }, { notification_preset_name: "hide_everything" }, { renotify_statuses: ["alerting"] }]) {
      const outcome = run(base(), { ...ALL_LAYERS, monitors: [{ errors: { query: "avg(last_5m):sum:aws.lambda.errors{$scope} > 1", options } }] });
      expect(schemaProblems(outcome)).toEqual([]);
      expect(outcome.ok).toBe(false);
      expect(outcome.errors).toEqual([expect.stringMatching(/^\[E501\]/)]);
    }
  });

  test("nested monitor options the type's schema rejects (a misspelled scheduling_options key, a numeric trigger_window) fail with E501, not at deploy", () => {
    for (const options of [{ scheduling_options: { evaluation_window: { hour_start: 5 } } }, { threshold_windows: { trigger_window: 15 } }]) {
      const outcome = run(base(), { ...ALL_LAYERS, monitors: [{ errors: { query: "avg(last_5m):sum:aws.lambda.errors{$scope} > 1", options } }] });
      expect(schemaProblems(outcome)).toEqual([]);
      expect(outcome.ok).toBe(false);
    }
  });

  test("a custom query given as Fn::Sub or Fn::If still has $scope replaced by the stack", () => {
    const fragment = template({ CreateOrder: python() }, { Parameters: { Env: { Type: "String" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } } });
    for (const query of [
      { "Fn::Sub": "avg(last_5m):sum:aws.lambda.errors{$scope,env:${Env}} > 1" },
      { "Fn::If": ["IsProd", "avg(last_5m):sum:aws.lambda.errors{$scope} > 1", "avg(last_5m):sum:aws.lambda.errors{$scope} > 5"] },
    ]) {
      const outcome = run(fragment, { ...ALL_LAYERS, monitors: [{ errors: { query } }] });
      expect(outcome.ok).toBe(true);
      const written = JSON.stringify(monitorsOf(outcome)[0].Properties.Query);
      expect(written).not.toContain("$scope");
      expect(written).toContain(SCOPE);
    }
  });

  test("a deeply nested monitors JSON string (CDK mapping) gets a response Lambda can serialize, not a crash", async () => {
    const depth = 100_000;
    const monitors = `[{"errors":{"query":"q","variables":${"[".repeat(depth)}${"]".repeat(depth)}}}]`;
    const { response } = await respondTo(base(), { ...ALL_LAYERS, monitors });
    expect(() => JSON.stringify(response)).not.toThrow();
    expect(response.status).toBe("failure");
  });
});
