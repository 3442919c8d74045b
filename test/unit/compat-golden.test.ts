/**
 * The golden pairs of Datadog's plugin and constructs options: a `custom.datadog` block and `DatadogLambda`
 * props (test/golden/cases/compat-*.yaml) give the very resources their equivalent in the macro's own names
 * gives. Read from the reviewed expected outputs, so a change to either side shows here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const CASES = join(__dirname, "../golden/cases");
const expected = (name: string) => JSON.parse(readFileSync(join(CASES, `${name}.expected.json`), "utf8"));
const ofType = (resources: Record<string, any>, type: string) => Object.values(resources).filter((r) => r.Type === type);

describe.each([
  ["compat-serverless-plugin", "a custom.datadog block"],
  ["compat-cdk-constructs", "DatadogLambda props"],
])("%s (%s)", (name) => {
  const foreign = expected(name);
  const own = expected(`${name}-own-names`);

  test("transforms, with W106 for the options without a meaning here and no other new warning", () => {
    expect([foreign.status, own.status]).toEqual(["success", "success"]);
    const added = foreign.warnings.filter((warning: string) => !own.warnings.includes(warning));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((warning: string) => warning.startsWith("[W106] "))).toBe(true);
  });

  test("gives the same resources as the macro's own names, functions instrumented", () => {
    expect(foreign.fragment.Resources).toEqual(own.fragment.Resources);
    const functions = ofType(foreign.fragment.Resources, "AWS::Lambda::Function");
    expect(functions.length).toBeGreaterThanOrEqual(2);
    const instrumented = functions.filter((fn) => fn.Properties.Environment?.Variables?.DD_LAMBDA_HANDLER !== undefined);
    expect(instrumented.length).toBeGreaterThanOrEqual(2);
  });
});

test("the plugin's customHandler, forwarder and enableStepFunctionsTracing show in its output", () => {
  const resources = expected("compat-serverless-plugin").fragment.Resources;
  expect(resources.CreateOrderLambdaFunction.Properties.Handler).toBe("datadog_wrapper.handler");
  expect(resources.LegacyLambdaFunction.Properties.Handler).toBe("legacy.handler");
  expect(ofType(resources, "AWS::Logs::SubscriptionFilter").map((filter) => filter.Properties.DestinationArn)).toContain(
    "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
  );
  expect(resources.OrderFlow.Properties.LoggingConfiguration.Level).toBe("ALL");
});
