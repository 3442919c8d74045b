/** The macro stack (template.yml): generated from the tables, lint-clean, least privilege. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { version } from "../../package.json";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { macroStack, regionDefaults, VERSION_TAG } from "../../src/stack/macro-stack";
import { MACRO_TIMEOUT_SECONDS } from "../../src/lookup/pacing";
import { renderMacroStack } from "../../src/stack/render";
import { MACRO_NAME } from "../../src/version";
import { missingCommand, skipUnless } from "../helpers/corpus";

const ROOT = join(__dirname, "../..");
const committed = readFileSync(join(ROOT, "template.yml"), "utf8");

describe("template.yml", () => {
  test("is the generated macro stack for this version (run `npm run generate` after changing the tables)", () => {
    expect(committed).toBe(renderMacroStack(version));
  });

  test("creates the macro, its function, a retained log group and a least-privilege role", () => {
    const stack = parseTemplate(committed) as any;
    const resources = stack.Resources;
    expect(Object.fromEntries(Object.entries<any>(resources).map(([id, r]) => [id, r.Type]))).toEqual({
      MacroFunctionRole: "AWS::IAM::Role",
      MacroLogGroup: "AWS::Logs::LogGroup",
      MacroFunction: "AWS::Lambda::Function",
      Macro: "AWS::CloudFormation::Macro",
    });
    const actions = resources.MacroFunctionRole.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement.flatMap((s: any) => s.Action)).sort();
    expect(actions).toEqual(["cloudformation:ListStackResources", "lambda:GetLayerVersion", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeSubscriptionFilters", "logs:PutLogEvents"]);
    const layerLookups = resources.MacroFunctionRole.Properties.Policies.find((p: any) => p.PolicyName === "LayerLookups").PolicyDocument.Statement;
    expect(layerLookups).toEqual([{ Effect: "Allow", Action: ["lambda:GetLayerVersion"], Resource: { "Fn::Sub": "arn:${AWS::Partition}:lambda:*:*:layer:*:*" } }]);
    expect(resources.MacroLogGroup).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    expect(resources.MacroFunction.Properties).toMatchObject({ Handler: "index.handler", Runtime: expect.stringMatching(/^nodejs(2\d)\.x$/) });
    expect(Number(/\d+/.exec(resources.MacroFunction.Properties.Runtime)![0])).toBeGreaterThanOrEqual(20);
    expect(resources.MacroFunction.Properties.Tags).toEqual([{ Key: VERSION_TAG, Value: version }]);
    expect(stack.Parameters.Timeout.Default).toBe(MACRO_TIMEOUT_SECONDS);
    expect(stack.Parameters.LogRetentionInDays.Default).toBe(90);
    expect(stack.Outputs.MacroVersion.Value).toBe(version);
  });

  test("every region-wide default reaches the macro's environment under the variable the macro reads", () => {
    const stack = macroStack(version) as any;
    const variables = stack.Resources.MacroFunction.Properties.Environment.Variables;
    for (const d of regionDefaults()) {
      expect(variables[d.env]).toEqual({ "Fn::If": [`Has${d.parameter}`, { Ref: d.parameter }, { Ref: "AWS::NoValue" }] });
      expect(stack.Parameters[d.parameter].Default).toBe("");
    }
    expect(stack.Parameters.DefaultApiKey.NoEcho).toBe(true);
    expect(regionDefaults().length).toBeGreaterThan(30);
  });

  test("installs the macro under the name templates use by default (MACRO_NAME)", () => {
    const stack = macroStack(version) as any;
    expect(stack.Parameters.MacroName.Default).toBe(MACRO_NAME);
    expect(stack.Resources.Macro.Properties.Name).toEqual({ Ref: "MacroName" });
    expect(stack.Description).toMatch(new RegExp(`^${MACRO_NAME} CloudFormation macro v${version.replace(/\./g, "\\.")}:`));
    expect(committed.startsWith(`# The ${MACRO_NAME} macro stack`)).toBe(true);
  });

  test("the packaged variant reads the zip from the given bucket, or from <bucket>-<region>", () => {
    const packaged = macroStack(version, { bucket: "artifacts", key: "dd/macro.zip", regional: true }) as any;
    expect(packaged.Parameters.CodeBucket.Default).toBe("artifacts");
    expect(packaged.Parameters.CodeKey.Default).toBe("dd/macro.zip");
    expect(packaged.Parameters.CodeBucketIsRegional.Default).toBe("true");
  });
});

const lint = skipUnless(missingCommand("cfn-lint", ["--version"]), "cfn-lint on template.yml");
lint.describe("cfn-lint", () => {
  test("reports nothing (no error, no warning) on template.yml and on a packaged template", () => {
    const packaged = join(mkdtempSync(join(tmpdir(), "ddsm-stack-")), "packaged.yml");
    writeFileSync(packaged, renderMacroStack(version, { bucket: "artifacts", key: "dd/macro.zip" }));
    for (const file of [join(ROOT, "template.yml"), packaged]) {
      const result = spawnSync("cfn-lint", ["--format", "parseable", "--", file], { encoding: "utf8" });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe("");
      expect(result.status).toBe(0);
    }
  });
});
