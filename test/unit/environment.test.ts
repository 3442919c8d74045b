import { PARAMETERS } from "../../src/config/parameters";
import { deriveConfig } from "../../src/config/derive";
import { datadogEnvironment as variableList, ddTags } from "../../src/instrument/environment";
import { loadConfig } from "../../src/config/load";
import { Report } from "../../src/rules";
import { ALL_LAYERS, instrument, lambda, run, template, variables } from "../helpers/macro";

const config = (params: Record<string, unknown>) =>
  loadConfig({ params, mappings: undefined, env: {}, context: { parameterValues: {}, parameterDeclarations: {}, mappings: {} } }, new Report()).config;
const datadogEnvironment = (...args: Parameters<typeof variableList>) => Object.fromEntries(variableList(...args));

describe("environment variables", () => {
  test("default configuration writes the reference macro's variables, all as strings", () => {
    expect(datadogEnvironment(config({}), { extension: false })).toEqual({
      DD_SITE: "datadoghq.com",
      DD_FLUSH_TO_LOG: "true",
      DD_ENHANCED_METRICS: "true",
      DD_TRACE_ENABLED: "true",
      DD_MERGE_XRAY_TRACES: "false",
      DD_SERVERLESS_LOGS_ENABLED: "true",
      DD_CAPTURE_LAMBDA_PAYLOAD: "false",
    });
  });

  test("every optional parameter reaches its variable", () => {
    const env = datadogEnvironment(
      config({
        apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:k",
        logLevel: "debug",
        service: "svc",
        env: "prod",
        version: "1.2",
        tags: "team:a,owner:b",
        enableColdStartTracing: true,
        minColdStartTraceDuration: 5,
        coldStartTraceSkipLibs: ["a", "b"],
        enableProfiling: true,
        encodeAuthorizerContext: false,
        decodeAuthorizerContext: true,
        apmFlushDeadline: 100,
        llmObsEnabled: true,
        llmObsMlApp: "app",
        llmObsAgentlessEnabled: false,
        lambdaFips: true,
        appsecEnabled: true,
        enableXrayTracing: true,
      }),
      { extension: true },
    );
    expect(env).toMatchObject({
      DD_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:k",
      DD_LOG_LEVEL: "debug",
      DD_FLUSH_TO_LOG: "false",
      DD_MERGE_XRAY_TRACES: "true",
      DD_SERVICE: "svc",
      DD_ENV: "prod",
      DD_VERSION: "1.2",
      DD_TAGS: "team:a,owner:b",
      DD_COLD_START_TRACING: "true",
      DD_MIN_COLD_START_DURATION: "5",
      DD_COLD_START_TRACE_SKIP_LIB: "a,b",
      DD_PROFILING_ENABLED: "true",
      DD_ENCODE_AUTHORIZER_CONTEXT: "false",
      DD_DECODE_AUTHORIZER_CONTEXT: "true",
      DD_APM_FLUSH_DEADLINE_MILLISECONDS: "100",
      DD_LLMOBS_ENABLED: "true",
      DD_LLMOBS_ML_APP: "app",
      DD_LLMOBS_AGENTLESS_ENABLED: "false",
      DD_LAMBDA_FIPS_MODE: "true",
    });
    for (const value of Object.values(env)) expect(typeof value).toBe("string");
    // Every parameter that declares a function variable sets it.
    const declared = Object.values(PARAMETERS).flatMap((spec) => ("sets" in spec ? [spec.sets] : []));
    expect(declared.length).toBeGreaterThanOrEqual(25);
    for (const name of declared) if (name !== "DD_API_KEY" && name !== "DD_API_KEY_SSM_ARN" && name !== "DD_KMS_API_KEY") expect(Object.keys(env)).toContain(name);
  });

  test("DD_TAGS gets git tags without duplicate keys", () => {
    const withGit = config({ tags: "team:a,git.commit.sha:old", gitData: "abc1234,https://u:p@github.com/acme/app" });
    expect(ddTags(withGit, deriveConfig(withGit, "us-east-1").git)).toBe(
      "team:a,git.commit.sha:old,git.repository_url:https://github.com/acme/app",
    );
  });

  test("never overwrites a variable the user set, on the function or in SAM Globals", () => {
    const fn = lambda({ Runtime: "python3.12", Handler: "a.b", Environment: { Variables: { DD_SITE: "datadoghq.eu", DD_TRACE_ENABLED: false } } });
    const out = instrument(template({ F: fn }), ALL_LAYERS);
    expect(variables(out.F)).toMatchObject({ DD_SITE: "datadoghq.eu", DD_TRACE_ENABLED: false, DD_FLUSH_TO_LOG: "true" });

    const sam = { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.b" } };
    const fragment = template({ S: sam }, { Globals: { Function: { Environment: { Variables: { DD_SITE: "datadoghq.eu" } } } } });
    expect(variables(instrument(fragment, ALL_LAYERS).S).DD_SITE).toBeUndefined();
  });

  test("Environment as Fn::If gets the variables in both branches", () => {
    const environment = { "Fn::If": ["Prod", { Variables: { A: "1" } }, { Ref: "AWS::NoValue" }] };
    const out = instrument(template({ F: lambda({ Runtime: "python3.12", Handler: "a.b", Environment: environment }) }), ALL_LAYERS);
    const [, whenTrue, whenFalse] = out.F.Properties.Environment["Fn::If"];
    expect(whenTrue.Variables).toMatchObject({ A: "1", DD_SITE: "datadoghq.com", DD_LAMBDA_HANDLER: "a.b" });
    expect(whenFalse.Variables).toMatchObject({ DD_SITE: "datadoghq.com", DD_LAMBDA_HANDLER: "a.b" });
  });

  test("Variables as another intrinsic is left untouched with a warning", () => {
    const environment = { Variables: { "Fn::GetAtt": ["Config", "Vars"] } };
    const outcome = run(template({ F: lambda({ Runtime: "python3.12", Handler: "a.b", Environment: environment }) }), ALL_LAYERS);
    expect((outcome.fragment as any).Resources.F.Properties.Environment).toEqual(environment);
    expect(outcome.warnings.join("\n")).toMatch(/F: Environment.Variables is Fn::GetAtt, which the macro cannot edit/);
  });



  // `{Ref, Other}` is not a valid intrinsic (one key), but it must not be edited as a map either: writing
  // `Variables` beside `Ref` would put a key beside an intrinsic function key.
  test("an Environment holding a Ref beside another key is not written into", () => {
    const input = template({ F: lambda({ Runtime: "python3.12", Handler: "app.handler", Environment: { Ref: "Env", Other: 1 } }) });
    const environment = (run(input, ALL_LAYERS).fragment as any).Resources.F.Properties.Environment;
    expect(Object.keys(environment).sort()).toEqual(["Other", "Ref"]);
  });
});
