import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { MAX_ALIAS_COUNT, parseTemplate, printTemplate } from "../../src/yaml/cfn-yaml";

/** A "billion laughs" document: each anchor is a list of 9 aliases of the previous one (9^9 leaves). */
function aliasBomb(levels = 9): string {
  const lines = [`a0: &a0 [${Array(9).fill('"lol"').join(",")}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
  lines.push(`Resources: *a${levels - 1}`);
  return `${lines.join("\n")}\n`;
}

describe("CloudFormation YAML", () => {
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      F: {
        Type: "AWS::Lambda::Function",
        Properties: {
          Role: { "Fn::GetAtt": ["Role", "Arn"] },
          Handler: { "Fn::If": ["Prod", { Ref: "ProdHandler" }, { "Fn::Sub": ["${A}.h", { A: { Ref: "AWS::Region" } }] }] },
          Layers: { "Fn::Split": [",", { "Fn::ImportValue": "layers" }] },
          Environment: { Variables: { ON: "yes", VERSION: "1.0", REF: "Ref" } },
          Tags: [{ Key: "Ref", Value: "not an intrinsic: two keys" }],
        },
      },
    },
  };

  test("writes intrinsics as short tags and reads them back unchanged", () => {
    const text = printTemplate(template, "yaml");
    expect(text).toContain("Role: !GetAtt Role.Arn");
    expect(text).toContain("Handler: !If");
    expect(text).toContain("- !Ref ProdHandler");
    expect(text).toMatch(/"ON": "yes"/); // YAML 1.1 booleans stay strings, keys included
    expect(parseTemplate(text)).toEqual(template);
  });

  test("reads JSON too", () => {
    expect(parseTemplate(printTemplate(template, "json"))).toEqual(template);
  });

  test("refuses a YAML alias bomb at once instead of expanding it", () => {
    const bomb = aliasBomb();
    expect(bomb.length).toBeLessThan(600);
    const started = Date.now();
    expect(() => parseTemplate(bomb)).toThrow(/aliases expand too much.*alias bomb/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  test("reads a template that reuses anchors, each use an independent copy", () => {
    const uses = Array.from({ length: 40 }, (_, i) => `  F${i}: {Type: AWS::Lambda::Function, Properties: *props}`);
    const text = ["Defaults:", "  Props: &props {Runtime: python3.12, Environment: {Variables: {A: &a x}}}", "Resources:", ...uses, "Other: *a"].join("\n");
    const parsed = parseTemplate(text) as any;
    expect(Object.keys(parsed.Resources)).toHaveLength(40);
    expect(parsed.Resources.F39.Properties).toEqual({ Runtime: "python3.12", Environment: { Variables: { A: "x" } } });
    expect(parsed.Other).toBe("x");
    // Editing one function must not edit the others (nor the anchor).
    parsed.Resources.F0.Properties.Environment.Variables.DD = "1";
    expect(parsed.Resources.F1.Properties.Environment.Variables).toEqual({ A: "x" });
    expect(parsed.Defaults.Props.Environment.Variables).toEqual({ A: "x" });
    expect(MAX_ALIAS_COUNT).toBeGreaterThanOrEqual(41);
  });

  test("resolves aliases inside short-tag lists and maps", () => {
    const text = ["Prefix: &p orders", "Name: !Join ['-', [*p, !Ref Stage]]", "Sub: !Sub ['${P}-x', {P: *p}]", "Tagged: &t !Ref Stage", "Again: *t"].join("\n");
    const parsed = parseTemplate(text) as any;
    expect(parsed.Name).toEqual({ "Fn::Join": ["-", ["orders", { Ref: "Stage" }]] });
    expect(parsed.Sub).toEqual({ "Fn::Sub": ["${P}-x", { P: "orders" }] });
    expect(parsed.Again).toEqual({ Ref: "Stage" });
    expect(parsed.Again).not.toBe(parsed.Tagged);
  });

  test("an alias bomb hidden in short tags is refused too", () => {
    const lines = [`a0: &a0 !Join ['', [${Array(9).fill("lol").join(",")}]]`];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} !Join ['', [${Array(9).fill(`*a${i - 1}`).join(",")}]]`);
    expect(() => parseTemplate(lines.join("\n"))).toThrow(/alias bomb/);
  });
});

describe("module layering", () => {
  const SRC = join(__dirname, "../../src");
  const files = (dir: string): string[] =>
    readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
    );
  const imports = (file: string) => [...readFileSync(join(SRC, file), "utf8").matchAll(/from "(\.[^"]+)"/g)].map((m) => relative(SRC, join(SRC, file, "..", m[1])));

  test("the YAML reader and printer import nothing from src/ but the version", () => {
    for (const file of files("yaml")) for (const target of imports(file)) expect([file, target]).toEqual([file, "version"]);
  });

  test("the macro stack does not import the CLI (which imports the macro stack)", () => {
    for (const file of files("stack")) expect(imports(file).filter((target) => target.startsWith("cli"))).toEqual([]);
  });

  test("the macro name is declared once, in src/version.ts", () => {
    for (const file of [...files("cli"), ...files("stack"), ...files("yaml")]) {
      const code = readFileSync(join(SRC, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect([file, code.includes("DatadogServerless")]).toEqual([file, false]);
    }
  });
});
