/**
 * The golden outputs are linted: each reviewed output of test/golden/cases introduces no cfn-lint
 * error its input did not already have (inputs may use deprecated runtimes on purpose).
 *
 * How the work is shared: every input and every expected output goes, once, to the shared cfn-lint
 * runner (test/helpers/cfn-lint.ts, as for the corpus suite): one call per region, each spread over
 * several cfn-lint processes, identical contents linted once, findings kept by content between runs.
 * The runner's sentinel rule shows that every input and output was linted. Skips with a printed reason
 * when `cfn-lint` is missing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { describeReport, lintFiles, missingCfnLint, SENTINEL_RULE, type LintResult } from "../helpers/cfn-lint";
import { skipUnless } from "../helpers/corpus";
import { killRunning } from "../helpers/spawn";

const CASES = path.join(__dirname, "../golden/cases");
const { describe: maybe } = skipUnless(missingCfnLint(), "cfn-lint of the golden outputs");

maybe("cfn-lint on the golden outputs", () => {
  afterAll(killRunning);

  test("no output adds an error its input did not have", async () => {
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
      const findings: LintResult[] = [];
      const reports = await Promise.all(
        [...new Set(pairs.map((pair) => pair.region))].map((region) =>
          lintFiles(pairs.filter((pair) => pair.region === region).flatMap((pair) => [pair.input, pair.output]), { region }),
        ),
      );
      for (const report of reports) {
        console.log(`cfn-lint of the golden cases: ${describeReport(report)}`);
        expect(report.unattributed).toEqual([]);
        for (const list of report.byFile.values()) findings.push(...list);
      }
      // Every input and every output was linted (the sentinel rule reports once per template).
      const linted = new Set(findings.filter((f) => f.Rule.Id === SENTINEL_RULE).map((f) => path.resolve(f.Filename!)));
      expect(pairs.flatMap((pair) => [pair.input, pair.output]).filter((file) => !linted.has(file))).toEqual([]);
      const errorsOf = (file: string) => new Set(findings.filter((f) => path.resolve(f.Filename!) === file && f.Level === "Error").map((f) => f.Rule.Id));
      const added = pairs.flatMap((pair) => {
        const before = errorsOf(pair.input);
        return [...errorsOf(pair.output)].filter((rule) => !before.has(rule)).map((rule) => `${pair.name}: ${rule}`);
      });
      expect(added).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
