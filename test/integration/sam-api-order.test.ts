/**
 * Before SAM and after SAM agree on an API app's logs, tracing and functions: the macro's output of the SAM source
 * (test/golden/cases/api-sam-rest-http-access-logs), translated by the SAM translator, subscribes the
 * same log groups, declares the same execution log group and traces the same stage as the macro's output
 * of the translated template (api-sam-translated-access-logs).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { missingCommand, skipUnless } from "../helpers/corpus";

const CASES = path.join(__dirname, "../golden/cases");
const suite = skipUnless(missingCommand("python3", ["-c", "import samtranslator"]), "SAM translator on the API golden case");

const TRANSLATE = `
import json, sys
from samtranslator.translator.transform import transform
class NoManagedPolicies:
    def load(self): return {}
print(json.dumps(transform(json.load(sys.stdin), {}, NoManagedPolicies())))
`;

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string }>;

const fragmentOf = (name: string) => JSON.parse(readFileSync(path.join(CASES, `${name}.expected.json`), "utf8")).fragment;

/** What a deployed stack would forward and trace, independent of the logical ids the macro chose. */
function observable(resources: Resources) {
  const groupName = (value: any) => {
    const id = value?.Ref;
    const group = id === undefined ? undefined : resources[id];
    // A group of the template is known by its id when unnamed (CDK, SAM) and by its name when named.
    return group?.Type === "AWS::Logs::LogGroup" ? (group.Properties?.LogGroupName ?? `group ${id}`) : value;
  };
  const entries = Object.values(resources);
  return {
    subscribed: entries
      .filter((r) => r.Type === "AWS::Logs::SubscriptionFilter")
      .map((r) => JSON.stringify(groupName(r.Properties.LogGroupName)))
      .sort(),
    retained: entries
      .filter((r) => r.Type === "AWS::Logs::LogGroup" && r.DeletionPolicy === "Retain")
      .map((r) => JSON.stringify(r.Properties.LogGroupName))
      .sort(),
    tracedStages: entries
      .filter((r) => r.Type === "AWS::ApiGateway::Stage" && r.Properties.TracingEnabled === true)
      .map((r) => r.Properties.StageName)
      .sort(),
  };
}

suite.describe("the macro before and after SAM", () => {
  test("subscribe the same groups, declare the same execution log group, trace the same stage", () => {
    const before = fragmentOf("api-sam-rest-http-access-logs");
    // SAM sees the template as CloudFormation hands it over once the macro ran: without the macro's entry.
    const sam = { ...before, Transform: "AWS::Serverless-2016-10-31" };
    const result = spawnSync("python3", ["-c", TRANSLATE], { input: JSON.stringify(sam), encoding: "utf8", env: { ...process.env, AWS_DEFAULT_REGION: "us-east-1" } });
    expect(result.stderr).toBe("");
    const translated = JSON.parse(result.stdout).Resources as Resources;
    const after = fragmentOf("api-sam-translated-access-logs").Resources as Resources;

    const expected = observable(after);
    expect(expected.subscribed.length).toBe(6);
    expect(expected.tracedStages).toEqual(["prod"]);
    expect(observable(translated)).toEqual(expected);
  });

  test("give each function the same handler, environment, layers and tracing", () => {
    const before = fragmentOf("api-sam-rest-http-access-logs");
    const result = spawnSync("python3", ["-c", TRANSLATE], { input: JSON.stringify({ ...before, Transform: "AWS::Serverless-2016-10-31" }), encoding: "utf8", env: { ...process.env, AWS_DEFAULT_REGION: "us-east-1" } });
    const translated = JSON.parse(result.stdout).Resources as Resources;
    const after = fragmentOf("api-sam-translated-access-logs").Resources as Resources;
    const functions = (resources: Resources) =>
      Object.fromEntries(
        Object.entries(resources)
          .filter(([, r]) => r.Type === "AWS::Lambda::Function")
          .map(([id, r]) => [id, { Handler: r.Properties.Handler, Environment: r.Properties.Environment, Layers: r.Properties.Layers, TracingConfig: r.Properties.TracingConfig }]),
      );
    const expected = functions(after);
    expect(Object.keys(expected).length).toBe(3);
    expect(Object.values(expected).every((fn: any) => fn.Environment.Variables.DD_TRACE_ENABLED === "true")).toBe(true);
    expect(functions(translated)).toEqual(expected);
  });
});
