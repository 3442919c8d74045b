/**
 * Deployment shapes from Datadog's docs that must deploy after the macro: Lambda@Edge, code signing,
 * container images, GovCloud.
 */
import { DATADOG_SIGNING_PROFILES } from "../../src/instrument/code-signing";
import { ALL_LAYERS, instrument, lambda, layerArn, run, template, variables } from "../helpers/macro";
import { python } from "../helpers/builders";

const PROFILE = DATADOG_SIGNING_PROFILES.aws!;
const distribution = (arn: unknown) => ({
  Type: "AWS::CloudFront::Distribution",
  Properties: {
    DistributionConfig: {
      Enabled: true,
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", LambdaFunctionAssociations: [{ EventType: "viewer-request", LambdaFunctionARN: arn }] },
    },
  },
});

describe("Lambda@Edge", () => {
  const version = { Type: "AWS::Lambda::Version", Properties: { FunctionName: { Ref: "Edge" } } };
  test.each([
    ["a Ref to an AWS::Lambda::Version of the function", { EdgeVersion: version, Cdn: distribution({ Ref: "EdgeVersion" }) }],
    ["Fn::GetAtt [Function, Version]", { Cdn: distribution({ "Fn::GetAtt": ["Edge", "Version"] }) }],
    ["SAM's Ref Function.Version", { Cdn: distribution({ Ref: "Edge.Version" }) }],
    ["an Fn::Sub of the version's ARN", { EdgeVersion: version, Cdn: distribution({ "Fn::Sub": "${EdgeVersion}" }) }],
    ["an alias of a version", { EdgeVersion: version, Live: { Type: "AWS::Lambda::Alias", Properties: { FunctionName: { Ref: "Edge" }, FunctionVersion: { "Fn::GetAtt": ["EdgeVersion", "Version"] }, Name: "live" } }, Cdn: distribution({ Ref: "Live" }) }],
    ["a literal ARN naming the function", { Cdn: distribution("arn:aws:lambda:us-east-1:123456789012:function:edge-auth:3") }],
  ])("found through %s: tags only, no layers, environment or handler change", (_how, others) => {
    const outcome = run(template({ Edge: python({ FunctionName: "edge-auth" }), Other: python(), ...others }), ALL_LAYERS);
    expect(outcome.ok).toBe(true);
    const out = (outcome.fragment as any).Resources;
    expect(out.Edge.Properties.Layers).toBeUndefined();
    expect(out.Edge.Properties.Environment).toBeUndefined();
    expect(out.Edge.Properties.Handler).toBe("app.handler");
    expect(out.Edge.Properties.Tags).toContainEqual({ Key: "dd_sls_macro", Value: "v9.9.9" });
    expect(outcome.warnings.join()).toMatch(/\[W217\] Edge: runs at the edge for CloudFront distribution Cdn/);
    // The other function is instrumented as usual.
    expect(out.Other.Properties.Layers).toEqual([layerArn("Datadog-Python312", 100)]);
    // The summary says which functions send data to Datadog, and lists the edge function apart.
    expect(outcome.instrumented).toEqual(["Other"]);
    expect(outcome.tagsOnly).toEqual(["Edge"]);
    expect((outcome.fragment as any).Metadata.DatadogServerless).toMatchObject({ instrumented: ["Other"], tagsOnly: ["Edge"] });
    // A second run gives the same template, summary included.
    expect(JSON.stringify(run(outcome.fragment, ALL_LAYERS).fragment)).toBe(JSON.stringify(outcome.fragment));
  });

  test("needs no layer version and gets no log subscription", () => {
    const outcome = run(template({ Edge: python({ FunctionName: "edge-auth" }), Cdn: distribution({ "Fn::GetAtt": ["Edge", "Version"] }) }), {
      forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:fwd",
    });
    expect(outcome.errors).toEqual([]);
    expect(Object.keys((outcome.fragment as any).Resources)).toEqual(["Role", "Edge", "Cdn"]);
  });
});

describe("code signing", () => {
  const config = (arns: unknown) => ({ Type: "AWS::Lambda::CodeSigningConfig", Properties: { AllowedPublishers: { SigningProfileVersionArns: arns }, CodeSigningPolicies: { UntrustedArtifactOnDeployment: "Enforce" } } });
  const signed = (reference: unknown = { Ref: "Signing" }) => python({ CodeSigningConfigArn: reference });

  test("a config in the template trusts Datadog's profile after the user's, once", () => {
    const out = instrument(template({ A: signed(), B: signed({ "Fn::GetAtt": ["Signing", "CodeSigningConfigArn"] }), Signing: config(["arn:aws:signer:us-east-1:1:/signing-profiles/Mine/abc"]) }), ALL_LAYERS);
    expect(out.Signing.Properties.AllowedPublishers.SigningProfileVersionArns).toEqual(["arn:aws:signer:us-east-1:1:/signing-profiles/Mine/abc", PROFILE]);
    expect(out.Signing.Properties.CodeSigningPolicies).toEqual({ UntrustedArtifactOnDeployment: "Enforce" });
    // Idempotent: transformed again, nothing changes.
    expect(instrument(template(out), ALL_LAYERS)).toEqual(out);
  });

  test("a list given as Fn::If is edited in both branches", () => {
    const arns = { "Fn::If": ["Prod", ["arn:aws:signer:us-east-1:1:/signing-profiles/Prod/a"], { Ref: "AWS::NoValue" }] };
    const out = instrument(template({ A: signed(), Signing: config(arns) }), ALL_LAYERS);
    expect(out.Signing.Properties.AllowedPublishers.SigningProfileVersionArns).toEqual({ "Fn::If": ["Prod", ["arn:aws:signer:us-east-1:1:/signing-profiles/Prod/a", PROFILE], [PROFILE]] });
  });

  test("a full config (20 profiles, Lambda's limit) is left as it is, with the ARN to make room for", () => {
    const full = Array.from({ length: 20 }, (_, i) => `arn:aws:signer:us-east-1:1:/signing-profiles/P${i}/x`);
    const outcome = run(template({ A: signed(), Signing: config(full) }), ALL_LAYERS);
    expect((outcome.fragment as any).Resources.Signing.Properties.AllowedPublishers.SigningProfileVersionArns).toEqual(full);
    expect(outcome.warnings.join()).toMatch(/W218\] A: its code signing config already trusts 20 profiles.*it must trust arn:aws:signer:us-east-1:464622532012/);
  });

  test("a function without Datadog layers leaves its config alone", () => {
    const out = instrument(template({ A: signed(), Signing: config(["x"]) }), { addLayers: false });
    expect(out.Signing.Properties.AllowedPublishers.SigningProfileVersionArns).toEqual(["x"]);
  });
});

describe("GovCloud", () => {
  const params = { ...ALL_LAYERS, extensionLayerVersion: 99, apiKeySecretArn: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:k", site: "ddog-gov.com" };
  test("the extension is the FIPS one by default, and lambdaFips: false turns it off", () => {
    const fips = instrument(template({ F: python() }), params, { region: "us-gov-west-1" });
    expect(fips.F.Properties.Layers).toContain("arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-FIPS:99");
    expect(variables(fips.F).DD_LAMBDA_FIPS_MODE).toBe("true");
    const plain = instrument(template({ F: python() }), { ...params, lambdaFips: false }, { region: "us-gov-west-1" });
    expect(plain.F.Properties.Layers).toContain("arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension:99");
    const commercial = instrument(template({ F: python() }), { ...params, apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:k", site: "datadoghq.com" });
    expect(commercial.F.Properties.Layers).toContain(layerArn("Datadog-Extension", 99));
  });
});

describe("redirectHandler: false", () => {
  test("keeps the exec wrapper Java and .NET need with the extension", () => {
    const java = lambda({ Runtime: "java21", Handler: "a.B::handle" });
    const out = instrument(template({ J: java }), { ...ALL_LAYERS, extensionLayerVersion: 99, apiKMSKey: "k", redirectHandler: false });
    expect(variables(out.J).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/datadog_wrapper");
    expect(out.J.Properties.Handler).toBe("a.B::handle");
  });
});

describe("follow-ups of a documentation review", () => {
  test("AppSec in the tracer with this release's default Python layer (no pythonLayerVersion given)", () => {
    const out = instrument(template({ P: python() }), { appSecMode: "tracer" });
    expect(variables(out.P).DD_APPSEC_ENABLED).toBe("true");
  });
  test("a Java image with the extension gets the exec wrapper, and no 'runtime not known' warning", () => {
    const image = { Type: "AWS::Lambda::Function", Metadata: { DatadogRuntime: "java21" }, Properties: { PackageType: "Image", Role: "arn:aws:iam::1:role/r", Code: { ImageUri: "x" }, ImageConfig: { Command: ["a.B::handle"] } } };
    const outcome = run(template({ J: image }), { extensionLayerVersion: 99, apiKMSKey: "k" });
    expect(variables((outcome.fragment as any).Resources.J).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/datadog_wrapper");
    expect(outcome.diagnostics.map((d) => d.rule)).not.toContain("W213");
  });
  test("a GovCloud stack sending to a commercial site gets the FIPS extension by default too, with W102 about compliance", () => {
    const outcome = run(template({ F: python() }), { extensionLayerVersion: 99, apiKMSKey: "k" }, { region: "us-gov-west-1" });
    const out = (outcome.fragment as any).Resources;
    expect(out.F.Properties.Layers).toContain("arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-FIPS:99");
    expect(variables(out.F).DD_LAMBDA_FIPS_MODE).toBe("true");
    expect(outcome.warnings).toEqual([expect.stringMatching(/^\[W102\] .*end-to-end FIPS compliance needs a government site \(ddog-gov\.com, us2\.ddog-gov\.com\)/)]);
  });
  test("layers from another account (useLayersFromAccount) do not make a code signing config trust Datadog's profile", () => {
    const config = { Type: "AWS::Lambda::CodeSigningConfig", Properties: { AllowedPublishers: { SigningProfileVersionArns: ["mine"] } } };
    const out = instrument(template({ F: python({ CodeSigningConfigArn: { Ref: "C" } }), C: config }), { useLayersFromAccount: "111122223333" });
    expect(out.C.Properties.AllowedPublishers.SigningProfileVersionArns).toEqual(["mine"]);
  });
});
