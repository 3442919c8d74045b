/**
 * Options of Datadog's Serverless Framework plugin (`custom.datadog`, src/env.ts `Configuration`) and CDK
 * constructs (`DatadogLambdaProps`): the same option under their name is an alias, the options a macro
 * can have are implemented (`customHandler`, `enableStepFunctionsTracing`), the rest warn (W106).
 */
import { IGNORED_OPTIONS, IGNORED_OPTION_NAMES } from "../../src/config/ignored";
import { SPELLINGS } from "../../src/config/parameters";
import { MAX_HANDLER_LENGTH } from "../../src/config/validate";
import { FORWARDER, node, python, samFunction, samTemplate, stateMachine } from "../helpers/builders";
import { ALL_LAYERS, instrument, jsonCopy, lambda, run, template, variables } from "../helpers/macro";

/** Every option of the plugin's `Configuration` and the constructs' `DatadogLambdaProps` (August 2026). */
const PLUGIN_OPTIONS = [
  "enabled", "addLayers", "apiKey", "appKey", "monitorsApiKey", "monitorsAppKey", "apiKeySecretArn", "apiKeySsmArn", "apiKMSKey",
  "captureLambdaPayload", "site", "subdomain", "logLevel", "flushMetricsToLogs", "enableXrayTracing", "enableDDTracing", "appSecMode",
  "enableASM", "enableDDLogs", "enableProfiling", "addExtension", "forwarderArn", "forwarder", "testingMode", "integrationTesting",
  "enableTags", "injectLogContext", "enableSourceCodeIntegration", "uploadGitMetadata", "exclude", "monitors", "failOnError",
  "subscribeToAccessLogs", "subscribeToExecutionLogs", "subscribeToStepFunctionLogs", "skipCloudformationOutputs", "customHandler",
  "enableColdStartTracing", "minColdStartTraceDuration", "coldStartTraceMinDuration", "coldStartTraceSkipLibs", "encodeAuthorizerContext",
  "decodeAuthorizerContext", "apmFlushDeadline", "useLayersFromAccount", "enableStepFunctionsTracing", "mergeStepFunctionAndLambdaTraces",
  "propagateTraceContext", "propagateUpstreamTrace", "redirectHandlers", "isFIPSEnabled", "llmObsEnabled", "llmObsMlApp", "llmObsAgentlessEnabled",
];
const CONSTRUCTS_PROPS = [
  "dotnetLayerVersion", "dotnetLayerArn", "pythonLayerVersion", "pythonLayerArn", "nodeLayerVersion", "nodeLayerArn", "javaLayerVersion",
  "javaLayerArn", "rubyLayerVersion", "rubyLayerArn", "extensionLayerVersion", "extensionLayerArn", "addLayers", "forwarderArn",
  "flushMetricsToLogs", "site", "apiKey", "apiKeySecretArn", "apiKeySsmArn", "apiKeySecret", "apiKmsKey", "enableDatadogTracing",
  "enableDatadogASM", "datadogAppSecMode", "enableMergeXrayTraces", "injectLogContext", "logLevel", "enableDatadogLogs", "captureLambdaPayload",
  "captureCloudServicePayload", "env", "service", "version", "tags", "createForwarderPermissions", "sourceCodeIntegration",
  "enableColdStartTracing", "minColdStartTraceDuration", "coldStartTraceSkipLibs", "enableProfiling", "encodeAuthorizerContext",
  "decodeAuthorizerContext", "apmFlushDeadline", "redirectHandler", "grantSecretReadAccess", "useLayersFromAccount", "llmObsEnabled",
  "llmObsMlApp", "llmObsAgentlessEnabled",
];
/** Left to the monitors work (issue 17, part 2). */
const MONITOR_OPTIONS = ["monitors", "monitorsApiKey", "monitorsAppKey", "appKey"];

/** Each other spelling, the parameter it names, and a value of its type. */
const ALIASES: [string, string, unknown][] = [
  ["redirectHandlers", "redirectHandler", false],
  ["isFIPSEnabled", "lambdaFips", true],
  ["enableDatadogASM", "enableASM", true],
  ["datadogAppSecMode", "appSecMode", "tracer"],
  ["forwarder", "forwarderArn", FORWARDER],
  ["apiKmsKey", "apiKMSKey", "AQICAHh-encrypted"],
  ["enableDatadogTracing", "enableDDTracing", false],
  ["enableDatadogLogs", "enableDDLogs", false],
  ["grantSecretReadAccess", "grantSecretAccess", false],
  ["propagateTraceContext", "propagateUpstreamTrace", false],
  ["subscribeToStepFunctionLogs", "enableStepFunctionsTracing", true],
  ["coldStartTraceMinDuration", "minColdStartTraceDuration", 5],
];

/** Parameters under which every alias's value transforms: the extension with a key (unless the alias gives it), and the stack's name for the forwarder. */
const baseFor = (name: string) => ({ ...ALL_LAYERS, extensionLayerVersion: 80, stackName: "shop", ...(name === "apiKMSKey" ? {} : { apiKeySecretArn: SECRET_ARN }) });
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey-AbCdEf";

const codes = (outcome: ReturnType<typeof run>) => outcome.diagnostics.map((d) => d.rule);
const resources = (outcome: ReturnType<typeof run>) => (outcome.fragment as any).Resources;

describe("every option of the plugin and the constructs is known", () => {
  test.each([...new Set([...PLUGIN_OPTIONS, ...CONSTRUCTS_PROPS])].filter((name) => !MONITOR_OPTIONS.includes(name)))("%s is a parameter, an alias or a W106 option", (name) => {
    expect(SPELLINGS.has(name) || IGNORED_OPTION_NAMES.includes(name)).toBe(true);
  });
  test("no ignored option is also a spelling of a parameter", () => {
    expect(IGNORED_OPTION_NAMES.filter((name) => SPELLINGS.has(name))).toEqual([]);
  });
});

describe("aliases", () => {
  test.each(ALIASES)("%s is %s", (alias, name, value) => {
    expect(SPELLINGS.get(alias)).toBe(name);
    const fragment = template({ F: python() });
    const byAlias = run(fragment, { ...baseFor(name), [alias]: value });
    const byName = run(fragment, { ...baseFor(name), [name]: value });
    expect(byName.errors).toEqual([]);
    expect(byAlias.errors).toEqual([]);
    expect(byAlias.fragment).toEqual(byName.fragment);
  });
  test.each(ALIASES)("%s and %s together are E111", (alias, name, value) => {
    const outcome = run(template({ F: python() }), { ...baseFor(name), [name]: value, [alias]: value });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toEqual([expect.stringMatching(new RegExp(`^\\[E111\\] \`${name}\` and \`${alias}\` are the same parameter`))]);
  });
  test("an alias in the Datadog mapping (CDK) is read like its parameter", () => {
    const fragment = template({ F: python() }, { Mappings: { Datadog: { Parameters: { redirectHandlers: false, forwarder: FORWARDER, stackName: "shop" } } } });
    const out = instrument(fragment, ALL_LAYERS);
    expect(out.F.Properties.Handler).toBe("app.handler");
    expect(Object.values(out).some((r: any) => r.Type === "AWS::Logs::SubscriptionFilter" && r.Properties.DestinationArn === FORWARDER)).toBe(true);
  });
  test("enableASM runs AppSec in the extension, as the plugin and the constructs do (appSecMode: extension), for Node.js and Python", () => {
    const out = instrument(template({ N: node(), P: python() }), { ...ALL_LAYERS, extensionLayerVersion: 80, apiKMSKey: "k", enableASM: true });
    for (const id of ["N", "P"]) expect(variables(out[id])).toMatchObject({ AWS_LAMBDA_EXEC_WRAPPER: "/opt/datadog_wrapper", DD_SERVERLESS_APPSEC_ENABLED: "true" });
  });
  test("enableASM with appSecMode or appsecEnabled is E111: they say the same thing", () => {
    for (const other of [{ appSecMode: "off" }, { appsecEnabled: true }]) {
      const outcome = run(template({ F: python() }), { ...ALL_LAYERS, extensionLayerVersion: 80, apiKMSKey: "k", enableASM: true, ...other });
      expect(outcome.errors).toEqual([expect.stringMatching(new RegExp(`^\\[E111\\] \`enableASM\` and \`${Object.keys(other)[0]}\` are the same parameter`))]);
    }
  });
});

describe("options without a meaning for a macro (W106)", () => {
  test.each(IGNORED_OPTION_NAMES)("%s warns why, and changes nothing", (name) => {
    const fragment = template({ F: python() });
    const plain = run(fragment, ALL_LAYERS);
    const outcome = run(fragment, { ...ALL_LAYERS, [name]: true });
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings).toEqual([`[W106] \`${name}\` (transform parameter) is ignored: ${IGNORED_OPTIONS[name]}. ${"Remove it; the message says why it does nothing here, and what to use instead when there is something."}`]);
    // Only the summary's list of warnings differs.
    expect(resources(outcome)).toEqual(resources(plain));
  });
  test("in the Datadog mapping too, whatever the value's type", () => {
    const outcome = run(template({ F: python() }, { Mappings: { Datadog: { Parameters: { subdomain: "app", uploadGitMetadata: "false" } } } }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings).toEqual([
      expect.stringMatching(/^\[W106\] `subdomain` \(Mappings.Datadog.Parameters entry\) is ignored: /),
      expect.stringMatching(/^\[W106\] `uploadGitMetadata` \(Mappings.Datadog.Parameters entry\) is ignored: /),
    ]);
  });
  test("uploadGitMetadata says how to set gitData", () => {
    expect(IGNORED_OPTIONS.uploadGitMetadata).toMatch(/`gitData: <commit sha>,<repository url>`/);
  });
  test("the plugin's monitors options are known: `monitors` is implemented, its keys warn where they go (W501)", () => {
    expect(codes(run(template({ F: python() }), { ...ALL_LAYERS, monitors: [] }))).not.toContain("E110");
    expect(codes(run(template({ F: python() }), { ...ALL_LAYERS, monitorsApiKey: "0123456789abcdef" }))).toContain("W501");
  });
});

describe("customHandler", () => {
  const CUSTOM = "wrapper.handler";
  test.each([
    ["Python", python()],
    ["Node.js", node()],
  ])("%s: the handler is the custom one, and DD_LAMBDA_HANDLER still the user's", (_family, fn) => {
    const out = instrument(template({ F: fn }), { ...ALL_LAYERS, customHandler: CUSTOM });
    expect(out.F.Properties.Handler).toBe(CUSTOM);
    expect(variables(out.F).DD_LAMBDA_HANDLER).toBe((fn as any).Properties.Handler);
  });
  test("Node.js without layers (the library bundled) is redirected to it too", () => {
    const out = instrument(template({ F: node() }), { addLayers: false, customHandler: CUSTOM });
    expect(out.F.Properties.Handler).toBe(CUSTOM);
  });
  test("Java, .NET and Ruby keep their handler, as they would without it", () => {
    const fragment = template({ J: lambda({ Runtime: "java21", Handler: "a.B::h" }), D: lambda({ Runtime: "dotnet8", Handler: "A::B::C" }), R: lambda({ Runtime: "ruby3.3", Handler: "app.handler" }) });
    const out = instrument(fragment, { ...ALL_LAYERS, extensionLayerVersion: 80, apiKMSKey: "k", customHandler: CUSTOM });
    expect([out.J, out.D, out.R].map((fn) => fn.Properties.Handler)).toEqual(["a.B::h", "A::B::C", "app.handler"]);
    expect(variables(out.J).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/datadog_wrapper");
  });
  test("a handler from SAM Globals is redirected on the function, the original in DD_LAMBDA_HANDLER", () => {
    const fn = samFunction();
    delete (fn.Properties as Record<string, unknown>).Handler;
    const out = instrument(samTemplate({ F: fn }, { Handler: "app.main" }), { ...ALL_LAYERS, customHandler: CUSTOM });
    expect(out.F.Properties.Handler).toBe(CUSTOM);
    expect(variables(out.F).DD_LAMBDA_HANDLER).toBe("app.main");
  });
  test("an image's Command is redirected alike", () => {
    const image = { Type: "AWS::Lambda::Function", Metadata: { DatadogRuntime: "python3.12" }, Properties: { PackageType: "Image", Role: "arn:aws:iam::1:role/r", Code: { ImageUri: "x" }, ImageConfig: { Command: ["app.main"] } } };
    const out = instrument(template({ I: image }), { customHandler: CUSTOM });
    expect(out.I.Properties.ImageConfig.Command).toEqual([CUSTOM]);
    expect(variables(out.I).DD_LAMBDA_HANDLER).toBe("app.main");
  });
  test("idempotent: the output transformed again is the same, byte for byte, without warnings", () => {
    const fragment = samTemplate({ P: samFunction(), N: node() });
    const first = run(fragment, { ...ALL_LAYERS, customHandler: CUSTOM });
    expect(first.ok).toBe(true);
    const second = run(jsonCopy(first.fragment), { ...ALL_LAYERS, customHandler: CUSTOM });
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
    expect(second.warnings).toEqual(first.warnings);
    expect(variables(resources(second).P).DD_LAMBDA_HANDLER).toBe("app.handler");
  });
  test("the user's DD_LAMBDA_HANDLER wins; the handler is still pointed at the custom one", () => {
    const out = instrument(template({ F: python({ Environment: { Variables: { DD_LAMBDA_HANDLER: "mine.main" } } }) }), { ...ALL_LAYERS, customHandler: CUSTOM });
    expect(out.F.Properties.Handler).toBe(CUSTOM);
    expect(variables(out.F).DD_LAMBDA_HANDLER).toBe("mine.main");
  });
  test(`a value Lambda refuses fails the transform: white space, or more than ${MAX_HANDLER_LENGTH} characters`, () => {
    const fragment = template({ F: python() });
    expect(run(fragment, { ...ALL_LAYERS, customHandler: "a".repeat(MAX_HANDLER_LENGTH - 1) }).ok).toBe(true);
    expect(run(fragment, { ...ALL_LAYERS, customHandler: "a".repeat(MAX_HANDLER_LENGTH) }).ok).toBe(true);
    const long = run(fragment, { ...ALL_LAYERS, customHandler: "a".repeat(MAX_HANDLER_LENGTH + 1) });
    expect(long.errors).toEqual([expect.stringMatching(/^\[E126\] Parameter `customHandler` must be a Lambda handler: 1 to 128 characters without white space/)]);
    expect(codes(run(fragment, { ...ALL_LAYERS, customHandler: "my wrapper.handler" }))).toEqual(["E126"]);
  });
  test("with redirectHandler false it does nothing, and says so (W107)", () => {
    const outcome = run(template({ F: python() }), { ...ALL_LAYERS, customHandler: CUSTOM, redirectHandlers: false });
    expect(resources(outcome).F.Properties.Handler).toBe("app.handler");
    expect(codes(outcome)).toContain("W107");
  });
});

describe("enableStepFunctionsTracing and subscribeToStepFunctionLogs", () => {
  const machines = (): any => template({ F: python({ FunctionName: "f" }), M: stateMachine() });
  const base = { ...ALL_LAYERS, forwarderArn: FORWARDER };
  test.each(["enableStepFunctionsTracing", "subscribeToStepFunctionLogs"])("%s: the state machines' logs go to forwarderArn, as with stepFunctionForwarderArn", (name) => {
    const plugin = run(machines(), { ...base, [name]: true });
    const own = run(machines(), { ...base, stepFunctionForwarderArn: FORWARDER });
    expect(plugin.ok).toBe(true);
    expect(plugin.fragment).toEqual(own.fragment);
    const machine = resources(plugin).M.Properties;
    expect(machine.LoggingConfiguration).toMatchObject({ Level: "ALL", IncludeExecutionData: true });
    expect(machine.Tags).toContainEqual({ Key: "DD_TRACE_ENABLED", Value: "true" });
    const filters = Object.values(resources(plugin)).filter((r: any) => r.Type === "AWS::Logs::SubscriptionFilter" && r.Properties.DestinationArn === FORWARDER);
    expect(filters.length).toBe(2);
  });
  test("a stepFunctionForwarderArn of the user's wins", () => {
    const other = "arn:aws:lambda:us-east-1:123456789012:function:other-forwarder";
    const out = instrument(machines(), { ...base, enableStepFunctionsTracing: true, stepFunctionForwarderArn: other });
    const destinations = Object.values(out).filter((r: any) => r.Type === "AWS::Logs::SubscriptionFilter").map((r: any) => r.Properties.DestinationArn);
    expect(destinations.sort()).toEqual([FORWARDER, other].sort());
  });
  test("false, or unset, leaves state machines alone", () => {
    for (const params of [base, { ...base, enableStepFunctionsTracing: false }]) expect(instrument(machines(), params).M).toEqual(machines().Resources.M);
  });
  test("without forwarderArn it does nothing, and says so (W105)", () => {
    const outcome = run(machines(), { ...ALL_LAYERS, enableStepFunctionsTracing: true });
    expect(resources(outcome).M).toEqual(machines().Resources.M);
    expect(outcome.warnings).toEqual([expect.stringMatching(/^\[W105\] `enableStepFunctionsTracing` has no effect without `forwarderArn`/)]);
  });
  test("trace merging stays the macro's: on by default, off with mergeStepFunctionAndLambdaTraces false", () => {
    const merged = instrument(machines(), { ...base, enableStepFunctionsTracing: true });
    expect(merged.M.Properties.Definition.States.Call.Parameters["Payload.$"]).not.toBe("$");
    const plain = instrument(machines(), { ...base, enableStepFunctionsTracing: true, mergeStepFunctionAndLambdaTraces: false });
    expect(plain.M.Properties.Definition.States.Call.Parameters["Payload.$"]).toBe("$");
  });
  test("idempotent", () => {
    const first = run(machines(), { ...base, enableStepFunctionsTracing: true });
    const second = run(jsonCopy(first.fragment), { ...base, enableStepFunctionsTracing: true });
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
  });
});

describe("FIPS in GovCloud", () => {
  const gov = { ...ALL_LAYERS, extensionLayerVersion: 80, apiKMSKey: "k" };
  const fipsOf = (params: Record<string, unknown>, region = "us-gov-east-1") => {
    const outcome = run(template({ F: python() }), params, { region });
    return { fips: variables(resources(outcome).F).DD_LAMBDA_FIPS_MODE, warnings: codes(outcome).filter((code) => code.startsWith("W")) };
  };
  test("on with the extension whatever the site; W102 only outside the government sites", () => {
    expect(fipsOf({ ...gov, site: "ddog-gov.com" })).toEqual({ fips: "true", warnings: [] });
    expect(fipsOf({ ...gov, site: "datadoghq.eu" })).toEqual({ fips: "true", warnings: ["W102"] });
  });
  test("not without the extension, not outside GovCloud, and not when the user says false", () => {
    expect(fipsOf(ALL_LAYERS).fips).toBeUndefined();
    expect(fipsOf(gov, "us-east-1").fips).toBeUndefined();
    expect(fipsOf({ ...gov, isFIPSEnabled: false })).toEqual({ fips: "false", warnings: [] });
  });
});
