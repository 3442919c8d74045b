/** The preview command: `node dist/cli.js transform <template>` and `npm run preview`'s example. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { main, transformOrderNotes, transformParameters } from "../../src/cli/index";
import { annotation, escapeData, escapeProperty } from "../../src/cli/github";
import { MACRO_NAME } from "../../src/version";

const ROOT = join(__dirname, "../..");
const EXAMPLE = join(ROOT, "examples/sam-app/template.yaml");

async function runCli(args: string[]) {
  let out = "";
  let err = "";
  const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } } as any;
  const code = await main(args, io);
  return { code, out, err };
}

function writeTemplate(text: string, name = "template.yaml"): string {
  const file = join(mkdtempSync(join(tmpdir(), "ddsm-cli-")), name);
  writeFileSync(file, text);
  return file;
}

/** The built CLI, for what only a real process shows (pipes, hangs); absent before `npm run build`. */
const BUILT = join(ROOT, "dist/cli.js");
if (!existsSync(BUILT)) process.stderr.write("SKIPPED dist/cli.js tests: dist/cli.js is absent; `npm test` builds it first (npm run build).\n");
const builtTest = existsSync(BUILT) ? test : test.skip;

/** A template the forwarder part of the macro reads log groups for. */
const FORWARDED = [
  "Transform: {Name: DatadogServerless, Parameters: {addLayers: false, forwarderArn: 'arn:aws:lambda:us-east-1:123456789012:function:fwd', stackName: !Ref AWS::StackName}}",
  "Resources:",
  "  Api: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}",
  "  Named: {Type: AWS::Lambda::Function, Properties: {FunctionName: shop-named, Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}",
].join("\n");

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

  builtTest("the built dist/cli.js runs the example (npm run preview)", async () => {
    const result = spawnSync(process.execPath, [BUILT, "transform", EXAMPLE], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Datadog-Node22-x:120/);
  });
});

describe("cli transform with a forwarder", () => {
  test("previews a first deploy offline, and a redeploy from --existing-log-groups", async () => {
    const file = writeTemplate(FORWARDED);
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

describe("cli input files", () => {
  /** A string is the file's text as is; anything else is written as JSON. */
  function writeJson(value: unknown, name = "groups.json"): string {
    return writeTemplate(typeof value === "string" ? value : JSON.stringify(value), name);
  }

  async function withGroups(groups: unknown) {
    const file = writeJson(groups);
    return { file, ...(await runCli(["transform", writeTemplate(FORWARDED), "--stack-name", "shop", "--existing-log-groups", file])) };
  }

  test.each([
    ["null", null, "it is null"],
    ["a list", [{ filterName: "x", destinationArn: "arn:aws:lambda:us-east-1:123456789012:function:fwd" }], "it is a list"],
    ["a string", '"oops"', "it is a string"],
  ])("a log groups file holding %s is a usage error naming the file", async (_what, groups, why) => {
    const { file, code, out, err } = await withGroups(groups);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(`error: ${file}: must be a JSON object mapping log group names to their subscription filters`);
    expect(err).toContain(why);
    expect(err).not.toMatch(/internal|Cannot convert/);
  });

  test("every misshapen log group or filter is reported with where it is", async () => {
    const { file, code, out, err } = await withGroups({
      "/aws/lambda/f": [{ filterName: "x", destinationArn: 42 }, { destinationArn: "arn:x" }, { filterName: "y", destinationArn: "arn:y", filterPattern: "" }, "z"],
      "/aws/lambda/g": { filterName: "x" },
      "/aws/lambda/h": null,
    });
    expect(code).toBe(2);
    expect(out).toBe("");
    const lines = err.trim().split("\n");
    expect(lines).toEqual([
      `error: ${file}: "/aws/lambda/f"[0].destinationArn must be a string, not a number`,
      `error: ${file}: "/aws/lambda/f"[1].filterName must be a string, and is missing`,
      `error: ${file}: "/aws/lambda/f"[2] has an unknown key "filterPattern"; a filter is {"filterName": "...", "destinationArn": "..."}`,
      `error: ${file}: "/aws/lambda/f"[3] must be a subscription filter {"filterName": "...", "destinationArn": "..."}, not a string`,
      `error: ${file}: "/aws/lambda/g" must be a list of subscription filters ([{"filterName": "...", "destinationArn": "..."}, ...] or []), not a mapping`,
      `error: ${file}: "/aws/lambda/h" must be a list of subscription filters ([{"filterName": "...", "destinationArn": "..."}, ...] or []), not null`,
    ]);
  });

  test("a log groups file that is not JSON cannot be read", async () => {
    const { file, code, err } = await withGroups("{not json");
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^error: cannot read ${file}: .*JSON`));
  });

  test("a well-formed log groups file with filters is used", async () => {
    const { code, out } = await withGroups({ "/aws/lambda/shop-named": [{ filterName: "other", destinationArn: "arn:aws:lambda:us-east-1:123456789012:function:fwd" }] });
    expect(code).toBe(0);
    expect(parseTemplate(out)).toHaveProperty("Resources.Api");
  });

  test.each([
    ["a list", "- Resources: {}\n", "not a list"],
    ["a scalar", "just text\n", "not a string"],
    ["empty", "# nothing here\n", "not an empty document"],
    ["a JSON list", "[1, 2]", "not a list"],
  ])("a template that is %s is a usage error naming the file", async (_what, text, why) => {
    const file = writeTemplate(text);
    const { code, out, err } = await runCli(["transform", file]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(`error: ${file}: a template must be a mapping (with Resources, AWSTemplateFormatVersion, ...), ${why}\n`);
  });

  test("a YAML syntax error says where it is", async () => {
    const file = writeTemplate("Resources:\n  F: [unclosed\n");
    const { code, err } = await runCli(["transform", file]);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^error: cannot read ${file}: .*line \\d+`));
  });

  builtTest("a YAML alias bomb is refused at once (exit 2), not expanded", () => {
    const lines = [`a0: &a0 [${Array(9).fill('"lol"').join(",")}]`];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
    const file = writeTemplate(`Transform: DatadogServerless\n${lines.join("\n")}\nResources: *a8\n`);
    // A real process with a deadline: before the fix this ran for minutes and took gigabytes.
    const result = spawnSync(process.execPath, [BUILT, "transform", file], { encoding: "utf8", timeout: 3000, maxBuffer: 1 << 20 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^error: cannot read ${file}: .*alias bomb`));
  });
});

describe("cli arguments", () => {
  test("--help prints the usage on stdout, whatever else is given", async () => {
    for (const args of [["--help"], ["transform", "--help"], ["transform", EXAMPLE, "-h", "--bogus"], ["macro-stack", "--help"]]) {
      const { code, out, err } = await runCli(args);
      expect([args, code, err]).toEqual([args, 0, ""]);
      expect(out).toMatch(/^Usage: datadog-serverless-macro transform/);
    }
  });

  test.each([
    [["transform"], /missing the template path/],
    [[], /missing the command/],
    [["frobnicate"], /unknown command frobnicate/],
    [["transform", "T", "--bogus"], /Unknown option '--bogus'/],
    [["transform", "T", "--region"], /Option '--region <value>' argument missing/],
    [["transform", "T", "--stack-name", "--output", "json"], /--stack-name/],
    [["transform", "T", "--help=yes"], /--help/],
    [["transform", "T", "--param", "novalue"], /--param takes name=value, not "novalue"/],
    [["transform", "T", "--template-param", "=x"], /--template-param takes name=value/],
    [["transform", "T", "--output", "xml"], /--output takes yaml or json, not xml/],
    [["transform", "T", "--format", "gitlab"], /--format takes text or github, not gitlab/],
    [["transform", "T", "--format"], /Option '--format <value>' argument missing/],
    [["transform", "T", "--check=yes"], /--check/],
    [["transform", "T", "T"], /unexpected argument/],
    [["macro-stack", "--code-bucket"], /--code-bucket/],
    [["macro-stack", "extra"], /Unexpected argument 'extra'/],
    [["macro-stack", "--bogus"], /Unknown option '--bogus'/],
  ])("%j is a usage error (exit 2, message and usage on stderr)", async (args, message) => {
    const { code, out, err } = await runCli((args as string[]).map((arg) => (arg === "T" ? EXAMPLE : arg)));
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^error: /);
    expect(err).toMatch(message);
    expect(err).toContain("Usage: datadog-serverless-macro transform");
  });

  test("--option=value, repeated --param and --template-param, and -- before the template", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ddsm-cli-"));
    const file = join(dir, "-template.yaml");
    writeFileSync(file, readFileSync(EXAMPLE, "utf8"));
    const { code, out, err } = await runCli([
      "transform", "--region=eu-west-1", "--output=json", "--param", "pythonLayerVersion=7", "--param=nodeLayerVersion=8",
      "--param", "pythonLayerVersion=9", "--template-param=Stage=prod", "--stack-name", "shop", "--", file,
    ]);
    expect([code, err]).toEqual([0, `note: ${file} lists AWS::Serverless-2016-10-31 first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead\ninstrumented 2 resource(s)\n`]);
    const resources = JSON.parse(out).Resources;
    expect(resources.CreateOrderFunction.Properties.Layers[0]).toBe("arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312-ARM:9");
    expect(resources.OrderEventsFunction.Properties.Layers).toContain("arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Node22-x:8");
    expect(resources.OrderEventsFunction.Properties.Environment.Variables.DD_ENV).toBe("prod");
  });

  test("macro-stack prints the macro stack, packaged for the given artifact", async () => {
    const { code, out, err } = await runCli(["macro-stack", "--regional", "--code-bucket", "artifacts", "--code-key=dd/macro.zip"]);
    expect([code, err]).toEqual([0, ""]);
    const stack = parseTemplate(out) as any;
    expect(stack.Parameters.CodeBucket.Default).toBe("artifacts");
    expect(stack.Parameters.CodeKey.Default).toBe("dd/macro.zip");
    expect(stack.Parameters.CodeBucketIsRegional.Default).toBe("true");
    expect(stack.Parameters.MacroName.Default).toBe(MACRO_NAME);
  });

  test("the template's own Transform entry is found under the macro's name", () => {
    expect(transformParameters({ Transform: ["AWS::Serverless-2016-10-31", { Name: MACRO_NAME, Parameters: { env: "x" } }] })).toEqual({ env: "x" });
    expect(transformParameters({ Transform: MACRO_NAME })).toEqual({});
    expect(transformParameters({ Transform: "Other" })).toBeUndefined();
  });
});

describe("cli output streams", () => {
  test("stdout holds the template only; the note, warnings and summary go to stderr", async () => {
    const file = writeTemplate(
      "Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}\n" +
        "  G: {Type: AWS::Lambda::Function, Properties: {PackageType: Image, Role: r, Code: {ImageUri: x}}}\n",
    );
    for (const output of ["yaml", "json"]) {
      const { code, out, err } = await runCli(["transform", file, "--param", "addLayers=false", "--param", "instrumentContainerImages=false", "--output", output]);
      expect(code).toBe(0);
      const parsed = output === "json" ? JSON.parse(out) : parseTemplate(out);
      expect(Object.keys((parsed as any).Resources)).toEqual(["F", "G"]);
      expect(out).not.toMatch(/^(note|warning): |^instrumented \d+ resource/m);
      expect(err).toMatch(/^note: .* has no DatadogServerless entry in Transform/);
      expect(err).toMatch(/instrumented 1 resource\(s\), skipped 1\n$/);
    }
  });

  builtTest("the built CLI writes the template alone on stdout", () => {
    const result = spawnSync(process.execPath, [BUILT, "transform", EXAMPLE, "--output", "json"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout))).toContain("Resources");
    expect(result.stderr).toBe(`note: ${EXAMPLE} lists AWS::Serverless-2016-10-31 first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead\ninstrumented 2 resource(s)\n`);
  });

  builtTest("a reader that closes the pipe early (| head -1) ends the CLI quietly", async () => {
    const child = spawn(process.execPath, [BUILT, "transform", EXAMPLE], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // the read side is closed before the CLI writes anything
    let err = "";
    child.stderr.on("data", (chunk) => (err += chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on("close", (c, s) => done([c, s])));
    expect(err).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect([code, signal]).toEqual([0, null]);
  });
});

/** A template whose `exclude` names no resource: the macro instruments F and warns (W103). */
const WARNS = [
  "Transform: {Name: DatadogServerless, Parameters: {addLayers: false, exclude: 'Nope'}}",
  "Resources:",
  "  F: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}",
].join("\n");
/** A template the macro refuses (E-rule: an unknown parameter). */
const FAILS = "Transform: {Name: DatadogServerless, Parameters: {pythonLayerVerison: 1}}\nResources: {}\n";

describe("cli transform --check (exit status for CI)", () => {
  test("without a warning: exit 0, no template on stdout", async () => {
    const { code, out, err } = await runCli(["transform", EXAMPLE, "--check"]);
    expect([code, out]).toEqual([0, ""]);
    expect(err).toMatch(/instrumented 2 resource\(s\)\n$/);
  });

  test("a warning fails the check: exit 1, the warning on stderr; without --check the same template exits 0", async () => {
    const file = writeTemplate(WARNS);
    const checked = await runCli(["transform", file, "--check"]);
    expect([checked.code, checked.out]).toEqual([1, ""]);
    expect(checked.err).toMatch(/^warning: \[W103\] `exclude` names `Nope`/m);
    expect(checked.err).toMatch(/check failed: 1 warning\(s\)\n$/);
    const previewed = await runCli(["transform", file]);
    expect(previewed.code).toBe(0);
    expect(parseTemplate(previewed.out)).toHaveProperty("Resources.F");
    expect(previewed.err).toMatch(/^warning: \[W103\]/m);
  });

  test("an error exits 1 with or without --check; bad usage and unreadable files exit 2", async () => {
    const file = writeTemplate(FAILS);
    for (const extra of [[], ["--check"], ["--check", "--format", "github"]]) {
      const { code, out } = await runCli(["transform", file, ...extra]);
      expect([extra, code, out]).toEqual([extra, 1, ""]);
    }
    expect((await runCli(["transform", "/nonexistent.yaml", "--check"])).code).toBe(2);
    expect((await runCli(["transform", EXAMPLE, "--check", "--format", "xml"])).code).toBe(2);
  });
});

describe("cli transform --format github", () => {
  test("warnings are ::warning annotations on the template, titled with the rule id", async () => {
    const file = writeTemplate(WARNS);
    const { code, out, err } = await runCli(["transform", file, "--check", "--format", "github"]);
    expect([code, out]).toEqual([1, ""]);
    const lines = err.split("\n").filter((line) => line.startsWith("::"));
    expect(lines).toEqual([
      `::warning file=${file},title=W103::\`exclude\` names \`Nope\`, which is not a Lambda function or state machine of this template. List logical ids of the template's Lambda functions or state machines.`,
    ]);
    expect(err).not.toMatch(/^warning: /m);
  });

  test("errors are ::error annotations, one per problem, and a summary line", async () => {
    const file = writeTemplate("Transform: {Name: DatadogServerless, Parameters: {pythonLayerVerison: 1, nodeLayerVersion: -3}}\nResources: {}\n");
    const { code, out, err } = await runCli(["transform", file, "--format", "github"]);
    expect([code, out]).toEqual([1, ""]);
    const annotations = err.split("\n").filter((line) => line.startsWith("::"));
    expect(annotations.length).toBe(2);
    for (const line of annotations) expect(line).toMatch(new RegExp(`^::error file=${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")},title=E\\d{3}::\\S`));
    expect(err).toContain("did you mean `pythonLayerVersion`");
    expect(err).toMatch(/DatadogServerless macro: 2 error\(s\), the deployment would fail\n$/);
  });

  test("an input file that cannot be read is one ::error annotation on that file (exit 2)", async () => {
    const { code, err } = await runCli(["transform", "/nonexistent.yaml", "--format", "github"]);
    expect(code).toBe(2);
    expect(err).toMatch(/^::error file=\/nonexistent.yaml::cannot read \/nonexistent.yaml: .*ENOENT/);
    // A YAML error with its excerpt stays one annotation: its lines joined with the escaped LF.
    const dir = mkdtempSync(join(tmpdir(), "ddsm-cli-dup-"));
    writeFileSync(join(dir, "dup.yaml"), "Resources: {}\nResources: {}\n");
    const duplicate = await runCli(["transform", join(dir, "dup.yaml"), "--format", "github"]);
    expect(duplicate.code).toBe(2);
    expect(duplicate.err.trimEnd().split("\n")).toHaveLength(1);
    expect(duplicate.err).toMatch(/^::error file=.*dup\.yaml::cannot read .*Map keys must be unique.*%0A/);
  });

  test("%, CR and LF are escaped in messages; properties also escape : and ,", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
    expect(annotation("warning", "two\nlines: 5%", { file: "dir,x/t:1.yaml", title: "W103" })).toBe("::warning file=dir%2Cx/t%3A1.yaml,title=W103::two%0Alines: 5%25\n");
    expect(annotation("error", "plain")).toBe("::error::plain\n");
  });

  test("a template path with a comma stays one property", async () => {
    const file = writeTemplate(WARNS, "a,b.yaml");
    const { err } = await runCli(["transform", file, "--format", "github"]);
    expect(err).toContain(`::warning file=${file.replace(/,/g, "%2C")},title=W103::`);
  });
});

describe("cli transform order notes", () => {
  const SAM = "AWS::Serverless-2016-10-31";
  const FUNCTION = "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12, Handler: a.b, CodeUri: s3://b/k}}\n";

  test("SAM listed first: the macro runs on SAM's output in CloudFormation; the preview says it uses the SAM source", async () => {
    const file = writeTemplate(`Transform: [${SAM}, {Name: DatadogServerless, Parameters: {addLayers: false}}]\n${FUNCTION}`);
    const { code, out, err } = await runCli(["transform", file]);
    expect(code).toBe(0);
    expect(err).toContain(`note: ${file} lists ${SAM} first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead\n`);
    expect(err).not.toMatch(/before SAM/);
    expect((parseTemplate(out) as any).Resources.F.Properties.Handler).toBe("datadog_lambda.handler.handler");
  });

  test("the macro listed first: it runs before SAM, on the SAM source, as the preview does", async () => {
    const file = writeTemplate(`Transform: [DatadogServerless, ${SAM}]\n${FUNCTION}`);
    const { code, err } = await runCli(["transform", file, "--param", "addLayers=false"]);
    expect(code).toBe(0);
    expect(err).toContain(`note: ${file} lists DatadogServerless before ${SAM}: CloudFormation runs the macro on the SAM source, before SAM, as this preview does\n`);
    expect(err).not.toMatch(/SAM's output/);
  });

  test("no note without SAM; other transforms are named as not run", () => {
    expect(transformOrderNotes({ Transform: "DatadogServerless" }, "t.yaml")).toEqual([]);
    expect(transformOrderNotes({ Transform: { Name: "DatadogServerless" } }, "t.yaml")).toEqual([]);
    expect(transformOrderNotes({ Transform: SAM }, "t.yaml")).toEqual([]);
    expect(transformOrderNotes({}, "t.yaml")).toEqual([]);
    expect(transformOrderNotes({ Transform: ["AWS::LanguageExtensions", SAM, "DatadogServerless"] }, "t.yaml")).toEqual([
      `t.yaml lists ${SAM} first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead`,
      "t.yaml lists other transforms too (AWS::LanguageExtensions): the preview does not run them",
    ]);
  });
});
