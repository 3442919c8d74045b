/**
 * End to end on real CDK output: stacks synthesised with aws-cdk-lib, passed to the macro's
 * `respond` exactly as CloudFormation would pass them, and the instrumented fragment checked.
 */
import { App, CfnMapping, RemovalPolicy, Stack, Tags, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cr from "aws-cdk-lib/custom-resources";
import { Template } from "aws-cdk-lib/assertions";
import type { CfnRole } from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { version } from "../../package.json";
import { respond, type MacroResponse } from "../../src/index";
import type { Logger } from "../../src/log";
import { offlineAccountView } from "../../src/lookup/account-view";

const REGION = "eu-west-1";
const LAYERS = `arn:aws:lambda:${REGION}:464622532012:layer`;
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key";
const silentLogger: Logger = { log() {} };

type Resource = { Type: string; Properties: Record<string, any> };
interface Synthesised {
  template: Record<string, unknown>;
  ids: { python: string; node: string; pythonRole: string; nodeRole: string };
}

/** A CDK app with a Python 3.12 arm64 and a Node.js 20 function, configured through `Mappings.Datadog.Parameters`. */
function synthesise(parameters: Record<string, unknown>): Synthesised {
  // The context `cdk synth` sets by default: resources carry `aws:cdk:path` and there is a CDKMetadata resource.
  const app = new App({ context: { "aws:cdk:enable-path-metadata": true, "aws:cdk:version-reporting": true } });
  const stack = new Stack(app, "OrdersStack");
  Validations.of(stack).acknowledge(
    { id: "CloudFormation-Validate::W7001", reason: "the mapping is read by the macro, not by Fn::FindInMap" },
    { id: "CloudFormation-Validate::W2531", reason: "Node.js 20 is the runtime under test" },
  );
  stack.addTransform("DatadogServerless");
  new CfnMapping(stack, "Datadog", { mapping: { Parameters: parameters } });

  const python = new lambda.Function(stack, "PythonFn", {
    runtime: lambda.Runtime.PYTHON_3_12,
    architecture: lambda.Architecture.ARM_64,
    handler: "app.handler",
    code: lambda.Code.fromInline("def handler(event, context):\n    return 'ok'\n"),
  });
  const node = new lambda.Function(stack, "NodeFn", {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: "index.handler",
    code: lambda.Code.fromInline("exports.handler = async () => 'ok';"),
    environment: { APP_MODE: "prod" },
  });
  Tags.of(node).add("team", "payments");

  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as lambda.CfnFunction | CfnRole);
  return {
    template: Template.fromStack(stack).toJSON(),
    ids: { python: id(python), node: id(node), pythonRole: id(python.role!), nodeRole: id(node.role!) },
  };
}

function transform(fragment: unknown, params: Record<string, unknown> = {}): Promise<MacroResponse> {
  const event = {
    requestId: "r1",
    region: REGION,
    accountId: "123456789012",
    // The handler owns its event (Lambda parses a fresh one per call) and edits it in place.
    fragment: structuredClone(fragment),
    params,
    templateParameterValues: {},
    transformId: "123456789012::DatadogServerless",
  };
  // Every layer version exists: no AWS call.
  return respond(event, {}, silentLogger, () => offlineAccountView());
}

/** Transforms and insists on success, so that a failure shows the macro's own message. */
async function instrumented(fragment: unknown, params: Record<string, unknown> = {}): Promise<Record<string, Resource>> {
  const response = await transform(fragment, params);
  expect(response.errorMessage).toBeUndefined();
  expect(response.status).toBe("success");
  return (response.fragment as { Resources: Record<string, Resource> }).Resources;
}

const variables = (resource: Resource): Record<string, unknown> => resource.Properties.Environment.Variables;

describe("DatadogServerless macro on a CDK-synthesised stack", () => {
  test("adds the runtime's layer, redirects the handler and tags each function as created by CDK", async () => {
    const { template, ids } = synthesise({ pythonLayerVersion: "104", nodeLayerVersion: "115", service: "orders", env: "prod" });
    const resources = await instrumented(template);
    const python = resources[ids.python];
    const node = resources[ids.node];

    expect(python.Properties.Layers).toEqual([`${LAYERS}:Datadog-Python312-ARM:104`]);
    expect(node.Properties.Layers).toEqual([`${LAYERS}:Datadog-Node20-x:115`]);
    expect(python.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(node.Properties.Handler).toBe("/opt/nodejs/node_modules/datadog-lambda-js/handler.handler");
    expect(variables(python)).toMatchObject({ DD_LAMBDA_HANDLER: "app.handler", DD_SITE: "datadoghq.com", DD_FLUSH_TO_LOG: "true" });
    expect(variables(node)).toMatchObject({ DD_LAMBDA_HANDLER: "index.handler", DD_SERVICE: "orders", DD_ENV: "prod", APP_MODE: "prod" });
    for (const fn of [python, node]) {
      expect(variables(fn)).toMatchObject({ DD_TRACE_ENABLED: "true", DD_ENHANCED_METRICS: "true", DD_MERGE_XRAY_TRACES: "false" });
      for (const value of Object.values(variables(fn))) expect(typeof value).toBe("string");
      expect(fn.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: "dd_sls_macro", Value: `v${version}` },
          { Key: "dd_sls_macro_by", Value: "CDK" },
        ]),
      );
    }
    expect(node.Properties.Tags).toContainEqual({ Key: "team", Value: "payments" });
  });

  test("adds Datadog-Extension-ARM to the arm64 function and Datadog-Extension to the x86_64 one when extensionLayerVersion is given", async () => {
    const { template, ids } = synthesise({ pythonLayerVersion: 104, nodeLayerVersion: 115, extensionLayerVersion: 65, apiKeySecretArn: SECRET_ARN });
    const resources = await instrumented(template);

    expect(resources[ids.python].Properties.Layers).toEqual([`${LAYERS}:Datadog-Python312-ARM:104`, `${LAYERS}:Datadog-Extension-ARM:65`]);
    expect(resources[ids.node].Properties.Layers).toEqual([`${LAYERS}:Datadog-Node20-x:115`, `${LAYERS}:Datadog-Extension:65`]);
    for (const id of [ids.python, ids.node]) {
      // The extension flushes metrics itself, whatever flushMetricsToLogs says.
      expect(variables(resources[id])).toMatchObject({ DD_FLUSH_TO_LOG: "false", DD_API_KEY_SECRET_ARN: SECRET_ARN });
    }
  });

  const asStrings = {
    pythonLayerVersion: "104", nodeLayerVersion: " 115 ", addExtension: "true", extensionLayerVersion: "65", apiKMSKey: "AQICAHkms",
    enableDDTracing: "False", captureLambdaPayload: "TRUE", minColdStartTraceDuration: "20", tags: "team:a, tier:web",
  };
  const asValues = {
    pythonLayerVersion: 104, nodeLayerVersion: 115, addExtension: true, extensionLayerVersion: 65, apiKMSKey: "AQICAHkms",
    enableDDTracing: false, captureLambdaPayload: true, minColdStartTraceDuration: 20, tags: ["team:a", "tier:web"],
  };

  test.each([
    ["strings", asStrings],
    ["booleans, numbers and lists", asValues],
  ])("coerces mapping values written as %s", async (_label, parameters) => {
    const { template, ids } = synthesise(parameters);
    const python = (await instrumented(template))[ids.python];

    expect(python.Properties.Layers).toEqual([`${LAYERS}:Datadog-Python312-ARM:104`, `${LAYERS}:Datadog-Extension-ARM:65`]);
    expect(variables(python)).toMatchObject({
      DD_KMS_API_KEY: "AQICAHkms",
      DD_TRACE_ENABLED: "false",
      DD_CAPTURE_LAMBDA_PAYLOAD: "true",
      DD_MIN_COLD_START_DURATION: "20",
      DD_TAGS: "team:a,tier:web",
    });
    // X-Ray trace merging is only meaningful with Datadog tracing on.
    expect(variables(python)).not.toHaveProperty("DD_MERGE_XRAY_TRACES");
  });

  test("string and native mapping values instrument the functions identically", async () => {
    const fromStrings = synthesise(asStrings);
    const fromValues = synthesise(asValues);
    const a = await instrumented(fromStrings.template);
    const b = await instrumented(fromValues.template);
    expect(a[fromStrings.ids.python]).toEqual(b[fromValues.ids.python]);
    expect(a[fromStrings.ids.node]).toEqual(b[fromValues.ids.node]);
  });

  test("grants each CDK-created role secretsmanager:GetSecretValue on apiKeySecretArn in a DatadogServerlessMacro policy", async () => {
    const { template, ids } = synthesise({ pythonLayerVersion: "104", nodeLayerVersion: "115", apiKeySecretArn: SECRET_ARN });
    const resources = await instrumented(template);

    for (const [fnId, roleId] of [[ids.python, ids.pythonRole], [ids.node, ids.nodeRole]]) {
      expect(resources[fnId].Properties.Role).toEqual({ "Fn::GetAtt": [roleId, "Arn"] });
      const role = resources[roleId];
      expect(role.Type).toBe("AWS::IAM::Role");
      // CDK's managed policy is kept; the macro's statement goes into its own inline policy.
      expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
      expect(role.Properties.Policies).toEqual([
        {
          PolicyName: "DatadogServerlessMacro",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [expect.objectContaining({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: expect.arrayContaining([SECRET_ARN]) })],
          },
        },
      ]);
      expect(variables(resources[fnId]).DD_API_KEY_SECRET_ARN).toBe(SECRET_ARN);
    }
  });

  test("lets transform parameters override mapping entries key by key", async () => {
    const { template, ids } = synthesise({ pythonLayerVersion: "104", nodeLayerVersion: "115", site: "us5.datadoghq.com", service: "from-mapping" });
    const resources = await instrumented(template, { pythonLayerVersion: "110", site: "datadoghq.eu" });

    expect(resources[ids.python].Properties.Layers).toEqual([`${LAYERS}:Datadog-Python312-ARM:110`]);
    expect(resources[ids.node].Properties.Layers).toEqual([`${LAYERS}:Datadog-Node20-x:115`]);
    expect(variables(resources[ids.python])).toMatchObject({ DD_SITE: "datadoghq.eu", DD_SERVICE: "from-mapping" });
  });

  test("fails on a misspelt mapping key, suggests the right name and returns the fragment unchanged", async () => {
    const { template } = synthesise({ pythonLayerVerison: "104", nodeLayerVersion: "115" });
    const response = await transform(template);

    expect(response.status).toBe("failure");
    expect(response.errorMessage).toContain("`pythonLayerVerison` is not a parameter");
    expect(response.errorMessage).toContain("did you mean `pythonLayerVersion`?");
    expect(response.fragment).toEqual(template);
  });

  test("is idempotent: transforming its own output changes nothing", async () => {
    const { template } = synthesise({
      pythonLayerVersion: "104", nodeLayerVersion: "115", extensionLayerVersion: "65", apiKeySecretArn: SECRET_ARN, enableXrayTracing: "true",
    });
    const once = await transform(template);
    expect(once.status).toBe("success");
    expect(once.fragment).not.toEqual(template);
    const twice = await transform(once.fragment);
    expect(twice.status).toBe("success");
    expect(twice.fragment).toEqual(once.fragment);
  });
});

describe("CDK's own functions and markers", () => {
  /** A stack whose only user function is Python, plus the Node.js helpers CDK adds for itself. */
  function withFrameworkFunctions(context: Record<string, unknown>) {
    const app = new App({ context });
    const stack = new Stack(app, "Helpers");
    Validations.of(stack).acknowledge({ id: "CloudFormation-Validate::W7001", reason: "read by the macro" });
    stack.addTransform("DatadogServerless");
    new CfnMapping(stack, "Datadog", { mapping: { Parameters: { pythonLayerVersion: "104" } } });
    const fn = new lambda.Function(stack, "PythonFn", {
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: "app.handler",
      code: lambda.Code.fromInline("def handler(e, c):\n    return 1\n"),
    });
    new s3.Bucket(stack, "Bucket", { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
    new cr.AwsCustomResource(stack, "Lookup", {
      onCreate: { service: "S3", action: "listBuckets", physicalResourceId: cr.PhysicalResourceId.of("x") },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    return { template: Template.fromStack(stack).toJSON(), python: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) };
  }

  test("skips the custom resource providers CDK adds, so Node.js helpers need no nodeLayerVersion", async () => {
    const { template, python } = withFrameworkFunctions({ "aws:cdk:enable-path-metadata": true });
    const response = await transform(template);
    expect(response.status).toBe("success");
    const resources = (response.fragment as any).Resources as Record<string, Resource>;
    const helpers = Object.entries(resources).filter(([id, r]) => r.Type === "AWS::Lambda::Function" && id !== python);
    expect(helpers.length).toBeGreaterThanOrEqual(2);
    for (const [id, helper] of helpers) expect(helper).toEqual((template.Resources as any)[id]);
    expect(resources[python].Properties.Handler).toBe("datadog_lambda.handler.handler");
  });

  test("recognises a CDK template by its bootstrap parameter when path metadata and version reporting are off", async () => {
    const { template, python } = withFrameworkFunctions({ "aws:cdk:enable-path-metadata": false, "aws:cdk:version-reporting": false });
    expect(JSON.stringify(template)).not.toContain("aws:cdk:path");
    const response = await transform(template);
    expect(response.status).toBe("success");
    expect((response.fragment as any).Resources[python].Properties.Tags).toContainEqual({ Key: "dd_sls_macro_by", Value: "CDK" });
  });

  test("resolves ARNs CDK writes with the stack's region and account (Fn::Join of pseudo parameters)", async () => {
    const app = new App();
    const stack = new Stack(app, "Joined");
    stack.addTransform("DatadogServerless");
    new CfnMapping(stack, "Datadog", {
      mapping: { Parameters: { pythonLayerVersion: 104, apiKeySecretArn: `arn:aws:secretsmanager:${stack.region}:${stack.account}:secret:dd` } },
    });
    new lambda.Function(stack, "Fn", { runtime: lambda.Runtime.PYTHON_3_12, handler: "a.b", code: lambda.Code.fromInline("x") });
    const template = Template.fromStack(stack).toJSON();
    const response = await transform(template);
    expect(response.status).toBe("success");
    const fn = Object.values((response.fragment as any).Resources as Record<string, Resource>).find((r) => r.Type === "AWS::Lambda::Function")!;
    expect(fn.Properties.Environment.Variables.DD_API_KEY_SECRET_ARN).toBe(`arn:aws:secretsmanager:${REGION}:123456789012:secret:dd`);
  });
});

describe("CDK shapes the forwarder path must deploy with", () => {
  test("logRetention: the group CDK's custom resource creates is subscribed after it, never declared again", async () => {
    const app = new App();
    const stack = new Stack(app, "Retained");
    Validations.of(stack).acknowledge({ id: "CloudFormation-Validate::W7001", reason: "the mapping is read by the macro" });
    stack.addTransform("DatadogServerless");
    new CfnMapping(stack, "Datadog", { mapping: { Parameters: { forwarderArn: "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder" } } });
    new lambda.Function(stack, "Fn", { runtime: lambda.Runtime.PYTHON_3_12, handler: "a.b", code: lambda.Code.fromInline("x"), logRetention: 14 });
    const template = Template.fromStack(stack).toJSON();
    const retention = Object.entries(template.Resources as Record<string, Resource>).find(([, r]) => r.Type === "Custom::LogRetention")![0];
    const response = await transform(template);
    expect(response.status).toBe("success");
    const resources = Object.values((response.fragment as any).Resources as Record<string, Resource & { DependsOn?: string }>);
    expect(resources.filter((r) => r.Type === "AWS::Logs::LogGroup")).toEqual([]);
    const filters = resources.filter((r) => r.Type === "AWS::Logs::SubscriptionFilter");
    expect(filters).toHaveLength(1);
    expect(filters[0].DependsOn).toBe(retention);
  });
});
