import { FORWARDER, node, python as pythonFunction, samFunction } from "../helpers/builders";
import { ALL_LAYERS, instrument, lambda, run, template, variables, VERSION } from "../helpers/macro";

/** This suite's functions have the handler `a.b` (and SAM's code is in "."). */
const python = (extra: Record<string, unknown> = {}) => pythonFunction({ Handler: "a.b", ...extra });
const sam = (extra: Record<string, unknown> = {}) => samFunction({ Handler: "a.b", CodeUri: ".", ...extra });

describe("tags", () => {
  test("Lambda functions get list tags; SAM-made functions are marked SAM; user tags win", () => {
    const tags = [{ Key: "lambda:createdBy", Value: "SAM" }, { Key: "dd_sls_macro", Value: "mine" }];
    const out = instrument(template({ F: python({ Tags: tags }) }), ALL_LAYERS);
    expect(out.F.Properties.Tags).toEqual([...tags, { Key: "dd_sls_macro_by", Value: "SAM" }]);
  });

  test("plain Lambda functions get only the version tag", () => {
    const out = instrument(template({ F: python() }), ALL_LAYERS);
    expect(out.F.Properties.Tags).toEqual([{ Key: "dd_sls_macro", Value: `v${VERSION}` }]);
  });

  test("CDK templates are marked CDK", () => {
    const out = instrument(template({ F: python(), CDKMetadata: { Type: "AWS::CDK::Metadata", Properties: {} } }), ALL_LAYERS);
    expect(out.F.Properties.Tags).toContainEqual({ Key: "dd_sls_macro_by", Value: "CDK" });
  });

  test("SAM functions get map tags, and Globals tags count as the user's", () => {
    const fragment = template({ S: sam({ Tags: { team: "a" } }) }, { Globals: { Function: { Tags: { dd_sls_macro: "pinned" } } } });
    expect(instrument(fragment, ALL_LAYERS).S.Properties.Tags).toEqual({ team: "a", dd_sls_macro_by: "SAM" });
  });

  test("Tags as another intrinsic are left alone with a warning", () => {
    const outcome = run(template({ F: python({ Tags: { Ref: "TagList" } }) }), ALL_LAYERS);
    expect((outcome.fragment as any).Resources.F.Properties.Tags).toEqual({ Ref: "TagList" });
    expect(outcome.warnings.join()).toMatch(/F: Tags is an intrinsic function/);
  });

  test("a tag key `__proto__` stays a key and pollutes nothing", () => {
    const sam = { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "a.b", Tags: {} } };
    const out = instrument(template({ S: sam }), { ...ALL_LAYERS, forwarderArn: FORWARDER, stackName: "s", tags: "__proto__:polluted" });
    expect(Object.keys(out.S.Properties.Tags)).toContain("__proto__");
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe("X-Ray", () => {
  test("turns on active tracing and grants the role X-Ray writes, unless the user chose a mode", () => {
    const out = instrument(template({ F: python(), G: python({ TracingConfig: { Mode: "PassThrough" } }) }), { ...ALL_LAYERS, enableXrayTracing: true });
    expect(out.F.Properties.TracingConfig).toEqual({ Mode: "Active" });
    expect(out.G.Properties.TracingConfig).toEqual({ Mode: "PassThrough" });
    const policies = out.Role.Properties.Policies;
    expect(policies).toHaveLength(1);
    expect(policies[0].PolicyName).toBe("DatadogServerlessMacro");
    expect(policies[0].PolicyDocument.Statement).toEqual([
      { Sid: "DatadogXRay", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
    ]);
  });

  test("SAM functions get Tracing: Active (SAM grants its own role)", () => {
    const out = instrument(template({ S: sam() }), { ...ALL_LAYERS, enableXrayTracing: true });
    expect(out.S.Properties.Tracing).toBe("Active");
    expect(out.S.Properties.Policies).toBeUndefined();
  });

  test("warns when the role is not in the template", () => {
    const outcome = run(template({ F: python({ Role: "arn:aws:iam::123456789012:role/external" }) }), { ...ALL_LAYERS, enableXrayTracing: true });
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings.join()).toMatch(/F: its role is not an AWS::IAM::Role of this template; it needs xray:PutTraceSegments/);
  });
});

describe("secret access", () => {
  const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey";

  test("grants GetSecretValue on exactly that secret, once per role", () => {
    const out = instrument(template({ F: python(), G: python() }), { ...ALL_LAYERS, apiKeySecretArn: arn });
    expect(out.Role.Properties.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: "DatadogApiKeySecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [arn, `${arn}-??????`] },
    ]);
  });

  test("grants ssm:GetParameter and, through SSM only, kms:Decrypt for a SecureString key; SAM functions get them through Policies", () => {
    const ssm = "arn:aws:ssm:us-east-1:123456789012:parameter/dd-api-key";
    const out = instrument(template({ S: sam({ Policies: "AWSLambdaBasicExecutionRole" }) }), { ...ALL_LAYERS, apiKeySsmArn: ssm, extensionLayerVersion: 70 });
    expect(out.S.Properties.Policies).toEqual([
      "AWSLambdaBasicExecutionRole",
      { Statement: [{ Sid: "DatadogApiKeySsm", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ssm }] },
      {
        Statement: [
          {
            Sid: "DatadogApiKeySsmDecrypt",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": { "Fn::Sub": "ssm.${AWS::Region}.amazonaws.com" } } },
          },
        ],
      },
    ]);
  });

  test("AppSec runs in the Python tracer with a library layer of 114 or newer, otherwise through the extension's wrapper", () => {
    const params = { ...ALL_LAYERS, extensionLayerVersion: 99, apiKMSKey: "k", appSecMode: "on" };
    const out = instrument(template({ P: python(), N: node() }), { ...params, pythonLayerVersion: 120 });
    expect(variables(out.P)).toMatchObject({ DD_APPSEC_ENABLED: "true" });
    expect(variables(out.P).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    expect(variables(out.N)).toMatchObject({ AWS_LAMBDA_EXEC_WRAPPER: "/opt/datadog_wrapper", DD_SERVERLESS_APPSEC_ENABLED: "true" });
    const older = instrument(template({ P: python() }), { ...params, pythonLayerVersion: 100 });
    expect(variables(older.P)).toMatchObject({ AWS_LAMBDA_EXEC_WRAPPER: "/opt/datadog_wrapper", DD_SERVERLESS_APPSEC_ENABLED: "true" });
    expect(variables(older.P).DD_APPSEC_ENABLED).toBeUndefined();
    // A wrapper the user set wins.
    const own = instrument(template({ N: lambda({ Runtime: "nodejs22.x", Handler: "i.h", Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/mine" } } }) }), params);
    expect(variables(own.N).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/mine");
    // tracer mode needs no extension, and leaves other runtimes alone.
    const tracer = instrument(template({ P: python(), N: node() }), { ...ALL_LAYERS, pythonLayerVersion: 120, appSecMode: "tracer" });
    expect(variables(tracer.P).DD_APPSEC_ENABLED).toBe("true");
    expect(variables(tracer.N).DD_APPSEC_ENABLED).toBeUndefined();
  });

  test("Ruby merges X-Ray traces with DD_MERGE_DATADOG_XRAY_TRACES", () => {
    const out = instrument(template({ R: lambda({ Runtime: "ruby3.3", Handler: "a.b" }), P: python() }), { ...ALL_LAYERS, enableXrayTracing: true });
    expect(variables(out.R).DD_MERGE_DATADOG_XRAY_TRACES).toBe("true");
    expect(variables(out.R).DD_MERGE_XRAY_TRACES).toBeUndefined();
    expect(variables(out.P).DD_MERGE_XRAY_TRACES).toBe("true");
  });

  test("grantSecretAccess false grants nothing", () => {
    const out = instrument(template({ F: python() }), { ...ALL_LAYERS, apiKeySecretArn: arn, grantSecretAccess: false });
    expect(out.Role.Properties.Policies).toBeUndefined();
  });
});
