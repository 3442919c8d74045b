import { ALL_LAYERS, instrument, lambda, run, template, variables } from "../helpers/macro";
import { NO_VALUE } from "../helpers/builders";

const params = { pythonLayerVersion: 1, nodeLayerVersion: 2, javaLayerVersion: 3, dotnetLayerVersion: 4, rubyLayerVersion: 5 };

describe("handler redirect", () => {
  test("points Python and Node.js at the Datadog handler and keeps the original in DD_LAMBDA_HANDLER", () => {
    const out = instrument(template({ P: lambda({ Runtime: "python3.12", Handler: "app.main" }), N: lambda({ Runtime: "nodejs20.x", Handler: "src/index.handler" }) }), params);
    expect(out.P.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(variables(out.P).DD_LAMBDA_HANDLER).toBe("app.main");
    expect(out.N.Properties.Handler).toBe("/opt/nodejs/node_modules/datadog-lambda-js/handler.handler");
    expect(variables(out.N).DD_LAMBDA_HANDLER).toBe("src/index.handler");
  });

  test("uses the bundled Node.js handler when addLayers is false", () => {
    const out = instrument(template({ N: lambda({ Runtime: "nodejs22.x", Handler: "index.handler" }) }), { addLayers: false });
    expect(out.N.Properties.Handler).toBe("node_modules/datadog-lambda-js/dist/handler.handler");
  });

  test("a handler that already is the Datadog handler keeps the user's DD_LAMBDA_HANDLER", () => {
    const fn = lambda({ Runtime: "python3.12", Handler: "datadog_lambda.handler.handler", Environment: { Variables: { DD_LAMBDA_HANDLER: "mine.handler" } } });
    const out = instrument(template({ P: fn }), params);
    expect(out.P.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(variables(out.P).DD_LAMBDA_HANDLER).toBe("mine.handler");
  });

  test("Java and .NET get the exec wrapper only with the extension; Ruby's handler is left alone", () => {
    const fragment = template({ J: lambda({ Runtime: "java21", Handler: "a.B::h" }), D: lambda({ Runtime: "dotnet8", Handler: "A::B::C" }), R: lambda({ Runtime: "ruby3.3", Handler: "app.handler" }) });
    const plain = instrument(fragment, params);
    expect(variables(plain.J).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    const withExtension = instrument(fragment, { ...params, extensionLayerVersion: 70, apiKMSKey: "k" });
    expect(variables(withExtension.J).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/datadog_wrapper");
    expect(variables(withExtension.D).AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/datadog_wrapper");
    expect(withExtension.J.Properties.Handler).toBe("a.B::h");
    expect(withExtension.R.Properties.Handler).toBe("app.handler");
    expect(variables(withExtension.R).DD_LAMBDA_HANDLER).toBeUndefined();
  });

  test("no redirect when redirectHandler is false", () => {
    const out = instrument(template({ P: lambda({ Runtime: "python3.12", Handler: "app.main" }) }), { ...params, redirectHandler: false });
    expect(out.P.Properties.Handler).toBe("app.main");
    expect(variables(out.P).DD_LAMBDA_HANDLER).toBeUndefined();
  });

  test("a handler given as an intrinsic is moved as it is into DD_LAMBDA_HANDLER", () => {
    const handler = { "Fn::If": ["Debug", "debug.handler", "app.handler"] };
    const out = instrument(template({ P: lambda({ Runtime: "python3.12", Handler: handler }) }), params);
    expect(out.P.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(variables(out.P).DD_LAMBDA_HANDLER).toEqual(handler);
  });

  test("does not redirect when the environment cannot take DD_LAMBDA_HANDLER", () => {
    const fn = lambda({ Runtime: "python3.12", Handler: "app.main", Environment: { Variables: { "Fn::Transform": { Name: "X" } } } });
    const outcome = run(template({ P: fn }), params);
    expect((outcome.fragment as any).Resources.P.Properties.Handler).toBe("app.main");
    expect(outcome.warnings.join("\n")).toMatch(/P: Environment.Variables is Fn::Transform, which the macro cannot edit/);
  });

  test("container images are instrumented by default: with a runtime hint, ImageConfig.Command is redirected; instrumentContainerImages false skips them", () => {
    const image = {
      Type: "AWS::Lambda::Function",
      Metadata: { DatadogRuntime: "python3.12" },
      Properties: { PackageType: "Image", Code: { ImageUri: "x" }, Role: "arn:aws:iam::1:role/r", ImageConfig: { Command: ["app.handler"] } },
    };
    const skipped = run(template({ I: image }), { instrumentContainerImages: false });
    expect((skipped.fragment as any).Resources.I).toEqual(image);
    expect(skipped.skipped).toEqual([{ logicalId: "I", reason: expect.stringMatching(/container image/) }]);
    const out = instrument(template({ I: image }), {});
    expect(out.I.Properties.ImageConfig.Command).toEqual(["datadog_lambda.handler.handler"]);
    expect(variables(out.I).DD_LAMBDA_HANDLER).toBe("app.handler");
    expect(out.I.Properties.Layers).toBeUndefined();
  });

  // `Layers` as a Ref to a CommaDelimitedList parameter cannot be edited: W207 asks the user to add the layer.
  // Redirecting the handler anyway to /opt/nodejs/node_modules/datadog-lambda-js/handler.handler, which only that
  // layer provides, would fail every invocation until the user acts.
  test("Layers as a Ref to a list parameter: the handler is not pointed at a layer that was not added", () => {
    const input = template(
      { F: lambda({ Runtime: "nodejs20.x", Handler: "index.handler", Layers: { Ref: "Layers" } }) },
      { Parameters: { Layers: { Type: "CommaDelimitedList", Default: "" } } },
    );
    const outcome = run(input, ALL_LAYERS);
    expect(outcome.warnings.join()).toMatch(/W207/);
    expect((outcome.fragment as any).Resources.F.Properties.Handler).toBe("index.handler");
  });

  // The user's DD_LAMBDA_HANDLER is set only when C holds. Counting it as set and redirecting the Handler in
  // every case would leave the Datadog wrapper no DD_LAMBDA_HANDLER to call when C is false.
  test("a DD_LAMBDA_HANDLER set only under a condition: the handler is not redirected where it is unset", () => {
    const input = template(
      { F: lambda({ Runtime: "python3.12", Handler: "app.handler", Environment: { Variables: { DD_LAMBDA_HANDLER: { "Fn::If": ["C", "app.other", NO_VALUE] } } } }) },
      { Conditions: { C: { "Fn::Equals": ["a", "b"] } } },
    );
    const props = (run(input, ALL_LAYERS).fragment as any).Resources.F.Properties;
    const redirected = JSON.stringify(props.Handler).includes("datadog_lambda");
    const handlerWhenFalse = props.Environment.Variables.DD_LAMBDA_HANDLER;
    // Either leave the handler alone, or make DD_LAMBDA_HANDLER defined when C is false.
    expect(!redirected || JSON.stringify(handlerWhenFalse).includes("app.handler")).toBe(true);
  });
});
