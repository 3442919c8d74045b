import { ALL_LAYERS, instrument, jsonCopy, lambda, layerArn, run, template } from "../helpers/macro";
import { NO_VALUE, python } from "../helpers/builders";
import { newerRuntime } from "../helpers/runtimes";

const vendorLayer = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38";

describe("layers", () => {
  test("adds the library layer for the runtime and architecture", () => {
    const out = instrument(template({ F: python({ Architectures: ["arm64"] }) }), { pythonLayerVersion: 104 });
    expect(out.F.Properties.Layers).toEqual([layerArn("Datadog-Python312-ARM", 104)]);
  });

  test("adds the extension after the library, keeping other vendors' layers in order", () => {
    const out = instrument(template({ F: python({ Layers: [vendorLayer] }) }), { pythonLayerVersion: 104, extensionLayerVersion: 70, apiKMSKey: "k" });
    expect(out.F.Properties.Layers).toEqual([vendorLayer, layerArn("Datadog-Python312", 104), layerArn("Datadog-Extension", 70)]);
  });

  test("uses the FIPS extension with lambdaFips", () => {
    const out = instrument(template({ F: python({ Architectures: ["arm64"] }) }), { addLayers: false, extensionLayerVersion: 70, apiKMSKey: "k", lambdaFips: true, site: "ddog-gov.com" });
    expect(out.F.Properties.Layers).toEqual([layerArn("Datadog-Extension-ARM-FIPS", 70)]);
  });

  test("replaces a Datadog layer of the same slot at another version, in place, instead of adding a second", () => {
    const old = layerArn("Datadog-Python311", 90);
    const out = instrument(template({ F: python({ Layers: [old, vendorLayer] }) }), { pythonLayerVersion: 104 });
    expect(out.F.Properties.Layers).toEqual([layerArn("Datadog-Python312", 104), vendorLayer]);
  });

  test("never adds a layer twice", () => {
    const current = layerArn("Datadog-Python312", 104);
    const out = instrument(template({ F: python({ Layers: [current] }) }), { pythonLayerVersion: 104 });
    expect(out.F.Properties.Layers).toEqual([current]);
  });

  test("builds GovCloud ARNs with the GovCloud account, and honours useLayersFromAccount", () => {
    const gov = instrument(template({ F: python() }), { pythonLayerVersion: 104 }, { region: "us-gov-west-1" });
    expect(gov.F.Properties.Layers).toEqual([layerArn("Datadog-Python312", 104, "us-gov-west-1", "002406178527", "aws-us-gov")]);
    const mirror = instrument(template({ F: python() }), { pythonLayerVersion: 104, useLayersFromAccount: "111122223333" }, { region: "eu-west-1" });
    expect(mirror.F.Properties.Layers).toEqual([layerArn("Datadog-Python312", 104, "eu-west-1", "111122223333")]);
  });

  test("adds the layer to both branches of Fn::If, including an AWS::NoValue branch", () => {
    const layers = { "Fn::If": ["UseInsights", [vendorLayer], { Ref: "AWS::NoValue" }] };
    const out = instrument(template({ F: python({ Layers: layers }) }), { pythonLayerVersion: 104 });
    expect(out.F.Properties.Layers).toEqual({ "Fn::If": ["UseInsights", [vendorLayer, layerArn("Datadog-Python312", 104)], [layerArn("Datadog-Python312", 104)]] });
  });

  test("leaves Layers given by another intrinsic alone, with a warning", () => {
    const layers = { "Fn::Split": [",", { Ref: "LayerList" }] };
    const outcome = run(template({ F: python({ Layers: layers }) }), { pythonLayerVersion: 104 });
    expect((outcome.fragment as any).Resources.F.Properties.Layers).toEqual(layers);
    expect(outcome.warnings.join()).toMatch(/F: Layers is an intrinsic function/);
  });

  test("a layer written with Fn::Sub that names the Datadog layer counts as present", () => {
    const sub = { "Fn::Sub": "arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Python312:${V}" };
    const out = instrument(template({ F: python({ Layers: [sub] }) }), { pythonLayerVersion: 104 });
    expect(out.F.Properties.Layers).toEqual([sub]);
  });

  test("fails when a runtime newer than the release's layer table has no layer version, naming every function concerned", () => {
    const newer = () => python({ Runtime: newerRuntime("python") });
    const outcome = run(template({ A: newer(), B: newer(), N: lambda({ Runtime: newerRuntime("nodejs"), Handler: "i.h" }) }), { nodeLayerVersion: 1 });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatch(/Functions A, B need `pythonLayerVersion`/);
  });

  test("needs no library layer version with addLayers false, and none for provided runtimes", () => {
    expect(run(template({ A: python() }), { addLayers: false }).ok).toBe(true);
    const out = instrument(template({ G: lambda({ Runtime: "provided.al2023", Handler: "bootstrap" }) }), { extensionLayerVersion: 70, apiKMSKey: "k" });
    expect(out.G.Properties.Layers).toEqual([layerArn("Datadog-Extension", 70)]);
    expect(out.G.Properties.Handler).toBe("bootstrap");
  });

  test("instruments a runtime newer than the table with the derived layer name, warning about it", () => {
    const runtime = newerRuntime("python");
    const outcome = run(template({ F: lambda({ Runtime: runtime, Handler: "app.handler" }) }), ALL_LAYERS);
    expect((outcome.fragment as any).Resources.F.Properties.Layers).toEqual([layerArn(`Datadog-Python${runtime.replace(/\D/g, "")}`, 100)]);
    expect(outcome.warnings.join()).toContain(`${runtime} is newer than this macro's table`);
  });

  test("SAM: a Datadog layer in Globals is the user's choice and is not added again", () => {
    const globals = { Function: { Layers: [layerArn("Datadog-Python312", 99)] } };
    const fragment = template({ F: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler" } } }, { Globals: globals });
    const outcome = run(fragment, { pythonLayerVersion: 104 });
    expect((outcome.fragment as any).Resources.F.Properties.Layers).toBeUndefined();
  });

  test("fails, before changing anything, when Datadog's layers would exceed Lambda's five", () => {
    const others = [1, 2, 3, 4].map((n) => `arn:aws:lambda:us-east-1:123456789012:layer:tool${n}:1`);
    const fragment = template({ F: python({ Layers: others }) });
    const outcome = run(fragment, { pythonLayerVersion: 104, extensionLayerVersion: 70, apiKMSKey: "k" });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toEqual([expect.stringMatching(/^\[E203\] F: it would have 6 layers with Datadog's \(Datadog-Python312, Datadog-Extension\), but Lambda allows 5/)]);
    expect(outcome.fragment).toBe(fragment);
    // Replacing a stale Datadog layer does not count as adding one.
    const stale = template({ F: python({ Layers: [...others, layerArn("Datadog-Python311", 9)] }) });
    expect(run(stale, { pythonLayerVersion: 104 }).ok).toBe(true);
  });
});

describe("Runtime or Architectures given as Fn::If", () => {
  test("different runtimes: Layers and Handler as Fn::If on the same condition", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["UsePython", "python3.12", "nodejs20.x"] }, Handler: "app.handler" });
    const out = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties;
    expect(out.Layers).toEqual({ "Fn::If": ["UsePython", [layerArn("Datadog-Python312", 100)], [layerArn("Datadog-Node20-x", 110)]] });
    expect(out.Handler).toEqual({ "Fn::If": ["UsePython", "datadog_lambda.handler.handler", "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"] });
    expect(out.Environment.Variables.DD_LAMBDA_HANDLER).toBe("app.handler");
  });
  test("and with Architectures as Fn::If on another condition, every combination", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["A", "python3.12", "python3.13"] }, Architectures: { "Fn::If": ["B", ["arm64"], ["x86_64"]] }, Handler: "app.handler" });
    const layers = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties.Layers;
    expect(layers).toEqual({
      "Fn::If": [
        "A",
        { "Fn::If": ["B", [layerArn("Datadog-Python312-ARM", 100)], [layerArn("Datadog-Python312", 100)]] },
        { "Fn::If": ["B", [layerArn("Datadog-Python313-ARM", 100)], [layerArn("Datadog-Python313", 100)]] },
      ],
    });
  });
  test("a branch whose runtime needs no layer keeps the function's own", () => {
    const fn = lambda({ Runtime: { "Fn::If": ["A", "python3.12", "provided.al2023"] }, Handler: "app.handler", Layers: ["arn:aws:lambda:us-east-1:1:layer:mine:1"] });
    const out = instrument(template({ Fn: fn }), ALL_LAYERS).Fn.Properties;
    expect(out.Layers).toEqual({ "Fn::If": ["A", ["arn:aws:lambda:us-east-1:1:layer:mine:1", layerArn("Datadog-Python312", 100)], ["arn:aws:lambda:us-east-1:1:layer:mine:1"]] });
    expect(out.Handler).toEqual({ "Fn::If": ["A", "datadog_lambda.handler.handler", "app.handler"] });
  });

  // On a second run `Layers` is already the per-variant Fn::If the first run built: applying each variant's
  // layers to every branch of it (other families' layers appended, their slots differing) and wrapping the
  // result in Fn::If again grew the template about 4x per run (8 runtimes x 8 architectures: 10 KB -> 560 KB -> 33 MB).
  test("Runtime given as Fn::If: a second transform leaves Layers unchanged (idempotent)", () => {
    const input = template(
      { F: lambda({ Runtime: { "Fn::If": ["C", "python3.12", "nodejs20.x"] }, Handler: "app.handler" }) },
      { Conditions: { C: { "Fn::Equals": ["a", "a"] } } },
    );
    const first = run(input, ALL_LAYERS);
    expect(first.ok).toBe(true);
    const second = run(jsonCopy(first.fragment), ALL_LAYERS);
    expect(second.ok).toBe(true);
    expect((second.fragment as any).Resources.F.Properties.Layers).toEqual((first.fragment as any).Resources.F.Properties.Layers);
  });

  test("Architectures given as Fn::If: a second transform leaves Layers unchanged (idempotent)", () => {
    const input = template(
      { F: lambda({ Runtime: "python3.12", Architectures: { "Fn::If": ["C", ["arm64"], NO_VALUE] }, Handler: "app.handler" }) },
      { Conditions: { C: { "Fn::Equals": ["a", "a"] } } },
    );
    const first = run(input, ALL_LAYERS);
    const second = run(jsonCopy(first.fragment), ALL_LAYERS);
    expect((second.fragment as any).Resources.F.Properties.Layers).toEqual((first.fragment as any).Resources.F.Properties.Layers);
  });
});
