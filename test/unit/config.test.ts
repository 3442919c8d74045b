import { deriveConfig } from "../../src/config/derive";
import { loadConfig } from "../../src/config/load";
import { PARAMETERS, PARAMETER_NAMES, type ParameterSpec } from "../../src/config/parameters";
import { closestName } from "../../src/config/suggest";
import { parseGitData, usesExtension, validateConfig } from "../../src/config/validate";
import type { TemplateContext } from "../../src/intrinsics";
import { Report } from "../../src/rules";
import { FORWARDER, python } from "../helpers/builders";
import { respondTo } from "../helpers/handler";
import { lambda, run, template } from "../helpers/macro";
import { newerRuntime } from "../helpers/runtimes";

const context: TemplateContext = { parameterValues: { Stage: "prod" }, parameterDeclarations: {}, mappings: {} };

function load(params: unknown, options: { mappings?: unknown; env?: Record<string, string> } = {}) {
  const report = new Report();
  const { config } = loadConfig({ params, mappings: options.mappings, env: options.env ?? {}, context }, report);
  validateConfig(config, deriveConfig(config, "us-east-1"), report);
  return { config, errors: report.errors, warnings: report.warnings };
}

describe("parameter table", () => {
  test("every parameter has a type and documentation; defaults match their type", () => {
    for (const name of PARAMETER_NAMES) {
      const spec: ParameterSpec = PARAMETERS[name];
      expect(spec.doc.length).toBeGreaterThan(10);
      if (spec.default !== undefined) {
        const expected = { boolean: "boolean", integer: "number", string: "string", stringList: "object", monitorList: "object" }[spec.type];
        expect(typeof spec.default).toBe(expected);
      }
    }
  });
  test("defaults follow the reference macro", () => {
    const { config, errors } = load({});
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      addLayers: true,
      site: "datadoghq.com",
      flushMetricsToLogs: true,
      enableEnhancedMetrics: true,
      enableXrayTracing: false,
      enableDDTracing: true,
      enableDDLogs: true,
      captureLambdaPayload: false,
      exclude: [],
      redirectHandler: true,
      instrumentContainerImages: true,
      grantSecretAccess: true,
      appsecEnabled: false,
    });
    expect(usesExtension(config)).toBe(false);
  });
});

describe("coercion", () => {
  test("accepts booleans as booleans or strings in any case", () => {
    expect(load({ addLayers: "FALSE", enableXrayTracing: "True" }).config).toMatchObject({ addLayers: false, enableXrayTracing: true });
  });
  test("accepts numbers as numbers or numeric strings", () => {
    expect(load({ pythonLayerVersion: "104", nodeLayerVersion: 120 }).config).toMatchObject({ pythonLayerVersion: 104, nodeLayerVersion: 120 });
  });
  test("accepts lists or comma-separated strings", () => {
    expect(load({ exclude: "A, B,,C" }).config.exclude).toEqual(["A", "B", "C"]);
    expect(load({ exclude: ["A", "B"] }).config.exclude).toEqual(["A", "B"]);
  });
  test("turns numbers given for strings into strings", () => {
    expect(load({ version: 2 }).config.version).toBe("2");
  });
  test("reports a value of the wrong type with the parameter, the value and what was expected", () => {
    const { errors } = load({ pythonLayerVersion: "latest", addLayers: "yes" });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/`pythonLayerVersion`.*"latest".*expected a whole number/),
        expect.stringMatching(/`addLayers`.*"yes".*expected true or false/),
      ]),
    );
  });
  test("never echoes the API key in an error", () => {
    const { errors } = load({ apiKey: ["secret-key-123"] });
    expect(errors.join()).toMatch(/`apiKey`/);
    expect(errors.join()).not.toContain("secret-key-123");
  });
  test("resolves Ref to a template parameter and rejects other intrinsics", () => {
    expect(load({ env: { Ref: "Stage" } }).config.env).toBe("prod");
    expect(load({ site: { "Fn::GetAtt": ["X", "Y"] } }).errors[0]).toMatch(/`site`.*intrinsic function.*cannot resolve/);
    // A parameter that only flows into the template keeps the intrinsic for CloudFormation to resolve.
    expect(load({ env: { "Fn::GetAtt": ["X", "Y"] } }).config.env).toEqual({ "Fn::GetAtt": ["X", "Y"] });
  });

  // Describing a deeply nested value for E116 with JSON.stringify would overflow the stack. (Params are not
  // echoed in the response, so unlike a deep fragment this one can be answered.)
  test("a deeply nested parameter value is a type error (E116), not an internal error (E901)", async () => {
    let deep: unknown = "a";
    for (let i = 0; i < 6000; i++) deep = [deep];
    const { response } = await respondTo(template({}), { tags: deep });
    expect(response.status).toBe("failure");
    expect(response.errorMessage).not.toMatch(/E901/);
  });
});

describe("unknown names", () => {
  test("suggest the closest known name", () => {
    expect(load({ pythonLayerVerison: 1 }).errors[0]).toMatch(/`pythonLayerVerison` is not a parameter.*did you mean `pythonLayerVersion`\?/);
    expect(load({ ApiKeySecretArn: "arn:x" }).errors[0]).toMatch(/did you mean `apiKeySecretArn`/);
  });
  test("say so without a guess when nothing is close", () => {
    expect(load({ completelyDifferent: 1 }).errors[0]).not.toMatch(/did you mean/);
  });
  test("closestName ignores unrelated words", () => {
    expect(closestName("foo", ["pythonLayerVersion", "site"])).toBeUndefined();
    expect(closestName("stie", ["pythonLayerVersion", "site"])).toBe("site");
  });
  test("accept the documented alias coldStartTraceMinDuration, but not both spellings", () => {
    expect(load({ coldStartTraceMinDuration: 3 }).config.minColdStartTraceDuration).toBe(3);
    expect(load({ coldStartTraceMinDuration: 3, minColdStartTraceDuration: 4 }).errors[0]).toMatch(/same parameter/);
  });

  test("a 200,000-character unknown parameter name gets no suggestion search (cost bounded by input size)", () => {
    const name = "p".repeat(200_000);
    expect(closestName(name, ["pythonLayerVersion"])).toBeUndefined();
    const outcome = run(template({}), { [name]: 1 });
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0].length).toBeLessThan(400);
  }, 5_000);
});

describe("sources", () => {
  test("transform parameters win over the Datadog mapping, which wins over the macro's environment", () => {
    const { config } = load(
      { service: "from-params" },
      { mappings: { Datadog: { Parameters: { service: "from-mapping", env: "from-mapping" } } }, env: { DD_SERVICE: "x", DD_ENV: "y", DD_SITE: "datadoghq.eu" } },
    );
    expect(config).toMatchObject({ service: "from-params", env: "from-mapping", site: "datadoghq.eu" });
  });
  test("a blank value falls through to the next source", () => {
    expect(load({ site: "" }, { env: { DD_SITE: "datadoghq.eu" } }).config.site).toBe("datadoghq.eu");
  });
  test("checks mapping names too, and environment values by type", () => {
    expect(load({}, { mappings: { Datadog: { Parameters: { nodeLayerVerison: "1" } } } }).errors[0]).toMatch(/did you mean `nodeLayerVersion`/);
    expect(load({}, { env: { DD_FLUSH_TO_LOG: "maybe" } }).errors[0]).toMatch(/DD_FLUSH_TO_LOG of the macro function.*true or false/);
  });
});

describe("validation reports every problem at once", () => {
  test("several problems in one run", () => {
    const { errors } = load({ apiKey: "k", apiKeySecretArn: "arn:aws:secretsmanager:x", site: "datadoghq.org", addExtension: true, llmObsEnabled: true });
    expect(errors).toHaveLength(3);
    expect(errors.join("\n")).toMatch(/Only one API key/);
    expect(errors.join("\n")).toMatch(/`site` is "datadoghq.org"/);
    expect(errors.join("\n")).toMatch(/`llmObsMlApp` is not set/);
  });
  test.each(["datadoghq.com", "datadoghq.eu", "us3.datadoghq.com", "us5.datadoghq.com", "ap1.datadoghq.com", "ap2.datadoghq.com", "uk1.datadoghq.com", "ddog-gov.com", "us2.ddog-gov.com", "DatadogHQ.EU"])(
    "accepts site %s",
    (site) => expect(load({ site }).errors).toEqual([]),
  );
  test("the extension needs an API key, and may go with a forwarder (for the stack's other logs)", () => {
    expect(load({ extensionLayerVersion: 70 }).errors[0]).toMatch(/needs an API key/);
    expect(load({ extensionLayerVersion: 70, apiKMSKey: "x", forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:f" }).errors).toEqual([]);
  });
  test("extensionLayerVersion alone turns the extension on, unless addExtension is false", () => {
    expect(usesExtension(load({ extensionLayerVersion: 70, apiKMSKey: "x" }).config)).toBe(true);
    expect(usesExtension(load({ extensionLayerVersion: 70, addExtension: false }).config)).toBe(false);
  });
  test("llmObsMlApp must be 1-193 allowed characters", () => {
    expect(load({ llmObsEnabled: true, llmObsMlApp: "my-app:v1/x.y" }).errors).toEqual([]);
    expect(load({ llmObsMlApp: "has space" }).errors[0]).toMatch(/llmObsMlApp/);
    expect(load({ llmObsMlApp: "a".repeat(194) }).errors[0]).toMatch(/llmObsMlApp/);
  });
  test("appsec needs the extension; account override must be an account id", () => {
    expect(load({ appsecEnabled: true }).errors[0]).toMatch(/AppSec in `on` mode needs the Datadog Extension/);
    expect(load({ appSecMode: "tracer" }).errors).toEqual([]);
    expect(load({ appSecMode: "sometimes" }).errors[0]).toMatch(/`appSecMode` must be one of `off`, `on`, `tracer`, `extension`/);
    expect(load({ useLayersFromAccount: "12345" }).errors[0]).toMatch(/12-digit/);
  });
  test("FIPS outside GovCloud sites is a warning, not an error", () => {
    const { errors, warnings } = load({ lambdaFips: true });
    expect(errors).toEqual([]);
    expect(warnings[0]).toMatch(/lambdaFips/);
  });

  test("a parameter error does not hide the template's problems", () => {
    const outcome = run(template({ Fn: python(), Node: lambda({ Runtime: newerRuntime("nodejs"), Handler: "a.b" }) }), { site: "nowhere", pythonLayerVersion: 1, forwarderArn: FORWARDER });
    expect(outcome.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule)).toEqual(["E121", "E201", "E301"]);
  });
  test("a rejected layer version is not also reported as missing", () => {
    const outcome = run(template({ Fn: python() }), { pythonLayerVersion: "latest" });
    expect(outcome.diagnostics.map((d) => d.rule)).toEqual(["E116"]);
  });
});

describe("gitData", () => {
  test("splits sha and url and strips credentials from the url", () => {
    expect(parseGitData("abc1234,https://user:token@github.com/acme/app.git")).toEqual({ sha: "abc1234", url: "https://github.com/acme/app.git" });
    expect(parseGitData("abc1234,git@github.com:acme/app.git")).toEqual({ sha: "abc1234", url: "git@github.com:acme/app.git" });
  });
  test("rejects values that are not sha,url", () => {
    expect(parseGitData("abc1234")).toBeUndefined();
    expect(parseGitData(",https://x")).toBeUndefined();
    expect(load({ gitData: "nope" }).errors[0]).toMatch(/gitData/);
  });
});
