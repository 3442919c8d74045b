/** The preview command: `node dist/cli.js transform <template>` and `npm run preview`'s example. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTemplate } from "../../src/cli/cfn-yaml";
import { main } from "../../src/cli/index";

const ROOT = join(__dirname, "../..");
const EXAMPLE = join(ROOT, "examples/sam-app/template.yaml");

async function runCli(args: string[]) {
  let out = "";
  let err = "";
  const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } } as any;
  const code = await main(args, io);
  return { code, out, err };
}

function writeTemplate(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "ddsm-cli-")), "template.yaml");
  writeFileSync(file, text);
  return file;
}

describe("cli transform", () => {
  test("instruments the bundled example with the parameters of its own Transform entry", async () => {
    const { code, out, err } = await runCli(["transform", EXAMPLE]);
    expect(code).toBe(0);
    const result = parseTemplate(out) as any;
    const create = result.Resources.CreateOrderFunction.Properties;
    expect(create.Handler).toBe("datadog_lambda.handler.handler");
    expect(create.Layers).toContain("arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312-ARM:104");
    expect(create.Environment.Variables.DD_ENV).toBe("staging");
    expect(err).toMatch(/instrumented 2 resource\(s\)/);
  });

  test("--param overrides the template, --region and --output json are honoured", async () => {
    const { code, out } = await runCli(["transform", EXAMPLE, "--param", "pythonLayerVersion=7", "--region", "eu-central-1", "--output", "json"]);
    expect(code).toBe(0);
    const layers = JSON.parse(out).Resources.CreateOrderFunction.Properties.Layers;
    expect(layers[0]).toBe("arn:aws:lambda:eu-central-1:464622532012:layer:Datadog-Python312-ARM:7");
  });

  test("--template-param supplies a deploy-time parameter value", async () => {
    const { out } = await runCli(["transform", EXAMPLE, "--template-param", "Stage=prod", "--output", "json"]);
    expect(JSON.parse(out).Resources.OrderEventsFunction.Properties.Environment.Variables.DD_ENV).toBe("prod");
  });

  test("exits 1 with the macro's error message and warnings on stderr", async () => {
    const file = writeTemplate("Transform: {Name: DatadogServerless, Parameters: {pythonLayerVerison: 1}}\nResources: {}\n");
    const { code, out, err } = await runCli(["transform", file]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/did you mean `pythonLayerVersion`/);
  });

  test("exits 2 on bad usage or an unreadable file", async () => {
    expect((await runCli(["transform"])).code).toBe(2);
    expect((await runCli(["transform", EXAMPLE, "--output", "xml"])).code).toBe(2);
    expect((await runCli(["transform", "/nonexistent.yaml"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });

  test("reads CloudFormation short tags and writes YAML that keeps strings quoted", async () => {
    const file = writeTemplate(
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Transform: {Name: DatadogServerless, Parameters: {addLayers: false, version: '1.0'}}",
        "Resources:",
        "  F:",
        "    Type: AWS::Lambda::Function",
        "    Properties: {Runtime: python3.12, Handler: !Sub '${AWS::StackName}.handler', Role: !GetAtt R.Arn, Code: {ZipFile: x}}",
      ].join("\n"),
    );
    const { code, out } = await runCli(["transform", file]);
    expect(code).toBe(0);
    expect(out).toMatch(/AWSTemplateFormatVersion: "2010-09-09"/);
    expect(out).toMatch(/DD_VERSION: "1.0"/);
    const fn = (parseTemplate(out) as any).Resources.F.Properties;
    expect(fn.Environment.Variables.DD_LAMBDA_HANDLER).toEqual({ "Fn::Sub": "${AWS::StackName}.handler" });
    expect(fn.Role).toEqual({ "Fn::GetAtt": ["R", "Arn"] });
  });

  const built = join(ROOT, "dist/cli.js");
  if (!existsSync(built)) process.stderr.write("SKIPPED dist/cli.js test: dist/cli.js is absent; `npm test` builds it first (npm run build).\n");
  (existsSync(built) ? test : test.skip)("the built dist/cli.js runs the example (npm run preview)", async () => {
    const result = spawnSync(process.execPath, [built, "transform", EXAMPLE], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Datadog-Node22-x:120/);
  });
});

describe("cli transform with a forwarder", () => {
  const forwarded = [
    "Transform: {Name: DatadogServerless, Parameters: {addLayers: false, forwarderArn: 'arn:aws:lambda:us-east-1:1:function:fwd', stackName: !Ref AWS::StackName}}",
    "Resources:",
    "  Api: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}",
    "  Named: {Type: AWS::Lambda::Function, Properties: {FunctionName: shop-named, Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}",
  ].join("\n");

  test("previews a first deploy offline, and a redeploy from --existing-log-groups", async () => {
    const file = writeTemplate(forwarded);
    const first = await runCli(["transform", file, "--output", "json", "--stack-name", "shop"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out).Resources.NamedLogGroup.Properties.LogGroupName).toBe("/aws/lambda/shop-named");

    const groups = join(mkdtempSync(join(tmpdir(), "ddsm-groups-")), "groups.json");
    writeFileSync(groups, JSON.stringify({ "/aws/lambda/shop-named": [], "/aws/lambda/shop-Api-AbCdEfGh1234": [] }));
    const existing = await runCli(["transform", file, "--output", "json", "--stack-name", "shop", "--existing-log-groups", groups]);
    const resources = JSON.parse(existing.out).Resources;
    expect(resources.NamedLogGroup).toBeUndefined();
    expect(resources.ApiLogGroup).toBeUndefined();
    expect(resources.ApiDatadogSubscription.Properties.LogGroupName).toEqual({ "Fn::Sub": "/aws/lambda/${Api}" });
  });
});
