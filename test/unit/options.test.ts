/** Options users bring from Datadog's plugin and CDK constructs. */
import { DEFAULT_LAYER_VERSIONS } from "../../src/layer-versions";
import { ALL_LAYERS, instrument, layerArn, run, template, variables } from "../helpers/macro";
import { python } from "../helpers/builders";


describe("enabled", () => {
  test("false returns the template unchanged, whatever else the parameters say; it may come from a template parameter", () => {
    const fragment = template({ F: python() }, { Parameters: { Instrument: { Type: "String", AllowedValues: ["true", "false"], Default: "true" } } });
    const off = run(fragment, { enabled: { Ref: "Instrument" }, site: "nowhere" }, { templateParameterValues: { Instrument: "false" } });
    expect(off.ok).toBe(true);
    expect(off.fragment).toBe(fragment);
    expect(off.diagnostics).toEqual([]);
    const on = run(fragment, { enabled: { Ref: "Instrument" } }, { templateParameterValues: { Instrument: "true" } });
    expect((on.fragment as any).Resources.F.Properties.Layers).toEqual([layerArn("Datadog-Python312", DEFAULT_LAYER_VERSIONS.python)]);
  });
});

describe("default layer versions and layer ARNs", () => {
  test("a given version always wins over the default, and the default is named in a note", () => {
    expect(instrument(template({ F: python() }), { pythonLayerVersion: 5 }).F.Properties.Layers).toEqual([layerArn("Datadog-Python312", 5)]);
    const outcome = run(template({ F: python() }), {});
    expect(outcome.notes).toEqual([expect.stringMatching(/^\[I101\] Layer versions from this release's defaults: Datadog-Python312:127\./)]);
  });
  test("extensionLayerArn turns the extension on and replaces Datadog's, once, also on a second run", () => {
    const arn = "arn:aws:lambda:us-east-1:111122223333:layer:dd-extension-mirror:3";
    const out = instrument(template({ F: python() }), { ...ALL_LAYERS, extensionLayerArn: arn, apiKMSKey: "k" });
    expect(out.F.Properties.Layers).toEqual([layerArn("Datadog-Python312", 100), arn]);
    expect(variables(out.F).DD_FLUSH_TO_LOG).toBe("false");
    expect(instrument(template(out), { ...ALL_LAYERS, extensionLayerArn: arn, apiKMSKey: "k" })).toEqual(out);
  });
  test("a layer ARN must be an ARN", () => {
    expect(run(template({}), { pythonLayerArn: "my-layer" }).errors[0]).toMatch(/\[E126\] Parameter `pythonLayerArn` must be an ARN/);
  });
});

describe("environment options", () => {
  test("injectLogContext sets DD_LOGS_INJECTION, false with the extension", () => {
    expect(variables(instrument(template({ F: python() }), { ...ALL_LAYERS, injectLogContext: true }).F).DD_LOGS_INJECTION).toBe("true");
    const withExtension = instrument(template({ F: python() }), { ...ALL_LAYERS, injectLogContext: true, extensionLayerVersion: 99, apiKMSKey: "k" });
    expect(variables(withExtension.F).DD_LOGS_INJECTION).toBe("false");
    expect(variables(instrument(template({ F: python() }), ALL_LAYERS).F).DD_LOGS_INJECTION).toBeUndefined();
  });
  test("captureCloudServicePayload tags request and response payloads of AWS calls", () => {
    expect(variables(instrument(template({ F: python() }), { ...ALL_LAYERS, captureCloudServicePayload: true }).F)).toMatchObject({
      DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING: "all",
      DD_TRACE_CLOUD_RESPONSE_PAYLOAD_TAGGING: "all",
    });
  });
  test("enableMergeXrayTraces is independent of enableXrayTracing", () => {
    const merged = instrument(template({ F: python() }), { ...ALL_LAYERS, enableMergeXrayTraces: true });
    expect(variables(merged.F).DD_MERGE_XRAY_TRACES).toBe("true");
    expect(merged.F.Properties.TracingConfig).toBeUndefined();
    const traced = instrument(template({ F: python() }), { ...ALL_LAYERS, enableXrayTracing: true, enableMergeXrayTraces: false });
    expect(variables(traced.F).DD_MERGE_XRAY_TRACES).toBe("false");
    expect(traced.F.Properties.TracingConfig).toEqual({ Mode: "Active" });
  });
});
