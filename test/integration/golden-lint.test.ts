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
/**
 * The schema of Datadog's registry type for monitors (a copy of Datadog's public schema): outputs with
 * monitors are linted with it, so cfn-lint knows the type instead of reporting it unknown (E3006).
 */
const MONITOR_SCHEMA = path.join(__dirname, "../fixtures/datadog-monitors-monitor.json");
const REGISTRY_TYPES = ["Datadog::Monitors::Monitor"];
const { describe: maybe } = skipUnless(missingCfnLint(), "cfn-lint of the golden outputs");

maybe("cfn-lint on the golden outputs", () => {
  afterAll(killRunning);

  test("no output adds an error its input did not have", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddsm-golden-lint-"));
    try {
      const pairs: { name: string; input: string; output: string; region: string; registry: boolean }[] = [];
      for (const file of readdirSync(CASES).filter((name) => name.endsWith(".expected.json"))) {
        const name = file.replace(/\.expected\.json$/, "");
        const expected = JSON.parse(readFileSync(path.join(CASES, file), "utf8"));
        if (expected.status !== "success") continue;
        const optionsFile = path.join(CASES, `${name}.options.json`);
        const region = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")).region ?? "us-east-1") : "us-east-1";
        const input = parseTemplate(readFileSync(path.join(CASES, `${name}.yaml`), "utf8")) as Record<string, unknown>;
        // The Transform section names our macro, which cfn-lint cannot expand: both sides are linted without it.
        const strip = ({ Transform: _t, ...rest }: Record<string, unknown>) => rest;
        const registry = Object.values(expected.fragment.Resources ?? {}).some((resource: any) => REGISTRY_TYPES.includes(resource?.Type));
        const pair = { name, input: path.join(dir, `${name}.in.json`), output: path.join(dir, `${name}.out.json`), region, registry };
        writeFileSync(pair.input, JSON.stringify(strip(input)));
        writeFileSync(pair.output, JSON.stringify(strip(expected.fragment)));
        pairs.push(pair);
      }
      expect(pairs.length).toBeGreaterThanOrEqual(8);
      const findings: LintResult[] = [];
      // One call per region, and per region one more for the cases with registry types (only they get the
      // schemas: the others keep their cached findings).
      const groups = [...new Set(pairs.map((pair) => `${pair.region} ${pair.registry}`))].map((key) => pairs.filter((pair) => `${pair.region} ${pair.registry}` === key));
      expect(groups.some((group) => group[0].registry)).toBe(true);
      const reports = await Promise.all(
        groups.map((group) =>
          lintFiles(
            group.flatMap((pair) => [pair.input, pair.output]),
            { region: group[0].region, ...(group[0].registry ? { registrySchemas: [MONITOR_SCHEMA] } : {}) },
          ),
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
