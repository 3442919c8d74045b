import { offlineAccountView } from "../../src/lookup/account-view";
import { transformWithLookups } from "../../src/transform";
import { python } from "../helpers/builders";
import { respondTo } from "../helpers/handler";
import { ALL_LAYERS, instrument, jsonCopy, lambda, layerArn, run, template, variables } from "../helpers/macro";

describe("which functions, and how they are read", () => {
  test("SAM functions take Runtime, Handler and Architectures from Globals.Function", () => {
    const globals = { Function: { Runtime: "nodejs20.x", Handler: "index.handler", Architectures: ["arm64"] } };
    const fragment = template({ S: { Type: "AWS::Serverless::Function", Properties: { CodeUri: "." } } }, { Globals: globals });
    const out = instrument(fragment, ALL_LAYERS);
    expect(out.S.Properties.Layers).toEqual([layerArn("Datadog-Node20-x", 110)]);
    expect(out.S.Properties.Handler).toBe("/opt/nodejs/node_modules/datadog-lambda-js/handler.handler");
    expect(variables(out.S).DD_LAMBDA_HANDLER).toBe("index.handler");
  });

  test("resolves Runtime and Architectures given as Ref to template parameters (deploy value, else Default)", () => {
    const fragment = template(
      { F: lambda({ Runtime: { Ref: "Runtime" }, Handler: "a.b", Architectures: [{ Ref: "Arch" }] }) },
      { Parameters: { Runtime: { Type: "String", Default: "python3.11" }, Arch: { Type: "String", Default: "x86_64" } } },
    );
    expect(instrument(fragment, ALL_LAYERS).F.Properties.Layers).toEqual([layerArn("Datadog-Python311", 100)]);
    const deployed = instrument(fragment, ALL_LAYERS, { templateParameterValues: { Runtime: "python3.13", Arch: "arm64" } });
    expect(deployed.F.Properties.Layers).toEqual([layerArn("Datadog-Python313-ARM", 100)]);
  });

  test("a runtime that cannot be resolved leaves layers and handler alone but adds environment and tags", () => {
    const fn = lambda({ Runtime: { "Fn::GetAtt": ["Config", "Runtime"] }, Handler: "a.b" });
    const outcome = run(template({ F: fn }), ALL_LAYERS);
    const out = (outcome.fragment as any).Resources;
    expect(out.F.Properties.Layers).toBeUndefined();
    expect(out.F.Properties.Handler).toBe("a.b");
    expect(variables(out.F).DD_SITE).toBe("datadoghq.com");
    expect(outcome.warnings.join("\n")).toMatch(/F: layers and handler left alone because its Runtime is an intrinsic function/);
  });

  test("exclude skips functions and warns about names that are not functions", () => {
    const fn = lambda({ Runtime: "python3.12", Handler: "a.b" });
    const outcome = run(template({ A: fn, B: fn }), { ...ALL_LAYERS, exclude: "B,Ghost" });
    const out = (outcome.fragment as any).Resources;
    expect(out.B).toEqual(fn);
    expect(out.A.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(outcome.skipped).toEqual([{ logicalId: "B", reason: "listed in `exclude`" }]);
    expect(outcome.warnings.join("\n")).toMatch(/exclude` names `Ghost`/);
  });

  test("other resources are never touched", () => {
    const fragment = template({ Q: { Type: "AWS::SQS::Queue", Properties: { Tags: [] } }, F: lambda({ Runtime: "python3.12", Handler: "a.b" }) });
    const out = instrument(fragment, ALL_LAYERS);
    expect(out.Q).toEqual({ Type: "AWS::SQS::Queue", Properties: { Tags: [] } });
    expect(out.Role).toEqual((fragment.Resources as any).Role);
  });

  test("does not mutate the request's fragment", () => {
    const fragment = template({ F: lambda({ Runtime: "python3.12", Handler: "a.b" }) });
    const before = JSON.stringify(fragment);
    instrument(fragment, ALL_LAYERS);
    expect(JSON.stringify(fragment)).toBe(before);
  });


  test("a successful transform leaves its input untouched and shares unchanged parts", async () => {
    const fragment = template({ Fn: python({ Environment: { Variables: { A: "1" } } }), Queue: { Type: "AWS::SQS::Queue", Properties: { QueueName: "users-own" } } });
    const before = jsonCopy(fragment);
    const outcome = await transformWithLookups(
      { fragment, params: { ...ALL_LAYERS, enableXrayTracing: true }, region: "us-east-1", templateParameterValues: {}, env: {}, macroVersion: "1" },
      () => offlineAccountView(),
    );
    expect(outcome.ok).toBe(true);
    expect(fragment).toEqual(before);
    const out = outcome.fragment as any;
    expect(out.Resources.Queue).toBe((fragment.Resources as any).Queue);
    expect(out.Resources.Fn.Properties.Environment.Variables).toMatchObject({ A: "1", DD_SITE: "datadoghq.com" });
  });

  // Every warning and error goes through the redactor, and some quote template text unshortened (W103's
  // `exclude` name, W406's state name and Payload.$ path). An unanchored pattern backtracking from every start
  // position took 2.5 s for 40,000 letters and 16 s for 100,000: a 51,200-byte template body could push the
  // macro function to its timeout.
  test("a 100,000-character `exclude` entry is reported in linear time", async () => {
    // Backtracking took 16 s at this length; linear work takes milliseconds, so 5 s tells them apart on a busy machine.
    const started = Date.now();
    const { response } = await respondTo(template({}), { addLayers: false, exclude: ["x".repeat(100_000)] });
    expect(response.status).toBe("success");
    expect(Date.now() - started).toBeLessThan(5000);
  }, 120_000);
});
