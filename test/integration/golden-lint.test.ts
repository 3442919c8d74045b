/**
 * The golden outputs are linted: each reviewed output of test/golden/cases introduces no cfn-lint
 * error its input did not already have (inputs may use deprecated runtimes on purpose). cfn-lint runs
 * once for every file. Skips with a printed reason when `cfn-lint` is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { missingCommand, skipUnless } from "../helpers/corpus";

const CASES = path.join(__dirname, "../golden/cases");
const { describe: maybe } = skipUnless(missingCommand("cfn-lint"), "cfn-lint of the golden outputs");

interface Finding {
  Rule: { Id: string };
  Level: string;
  Filename: string;
}

maybe("cfn-lint on the golden outputs", () => {
  test("no output adds an error its input did not have", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddsm-golden-lint-"));
    try {
      const pairs: { name: string; input: string; output: string; region: string }[] = [];
      for (const file of readdirSync(CASES).filter((name) => name.endsWith(".expected.json"))) {
        const name = file.replace(/\.expected\.json$/, "");
        const expected = JSON.parse(readFileSync(path.join(CASES, file), "utf8"));
        if (expected.status !== "success") continue;
        const optionsFile = path.join(CASES, `${name}.options.json`);
        const region = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")).region ?? "us-east-1") : "us-east-1";
        const input = parseTemplate(readFileSync(path.join(CASES, `${name}.yaml`), "utf8")) as Record<string, unknown>;
        // The Transform section names our macro, which cfn-lint cannot expand: both sides are linted without it.
        const strip = ({ Transform: _t, ...rest }: Record<string, unknown>) => rest;
        const pair = { name, input: path.join(dir, `${name}.in.json`), output: path.join(dir, `${name}.out.json`), region };
        writeFileSync(pair.input, JSON.stringify(strip(input)));
        writeFileSync(pair.output, JSON.stringify(strip(expected.fragment)));
        pairs.push(pair);
      }
      expect(pairs.length).toBeGreaterThanOrEqual(8);
      const findings: Finding[] = [];
      for (const region of new Set(pairs.map((pair) => pair.region))) {
        const files = pairs.filter((pair) => pair.region === region).flatMap((pair) => [pair.input, pair.output]);
        const lint = spawnSync("cfn-lint", ["--format", "json", "--regions", region, "--non-zero-exit-code", "none", "--", ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
        expect(lint.error).toBeUndefined();
        findings.push(...(JSON.parse(lint.stdout || "[]") as Finding[]));
      }
      const errorsOf = (file: string) => new Set(findings.filter((f) => path.resolve(f.Filename) === file && f.Level === "Error").map((f) => f.Rule.Id));
      const added = pairs.flatMap((pair) => {
        const before = errorsOf(pair.input);
        return [...errorsOf(pair.output)].filter((rule) => !before.has(rule)).map((rule) => `${pair.name}: ${rule}`);
      });
      expect(added).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
