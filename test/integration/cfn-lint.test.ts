/**
 * Acceptance: on every template of the SAM corpus (`../shared/corpus/sam/output/*.json`, plain
 * CloudFormation as the SAM translator emits it, i.e. what the macro receives), the macro's output
 * introduces no cfn-lint error that its input did not already have, under each parameter set.
 *
 * Inputs are linted as they are (some use deprecated runtimes on purpose, rule E2533), so the check
 * compares the errors of each output with those of its input instead of expecting none.
 *
 * How the work is shared (the comparisons are those of one cfn-lint run per input and per output):
 * - One beforeAll transforms the corpus under every parameter set, then hands all the files (the inputs
 *   once, each set's outputs, each set's canary) to one call of the shared runner (test/helpers/cfn-lint.ts):
 *   each input is linted once per run, not once per parameter set, and its findings serve every set.
 * - An output identical to its input (a template without anything to instrument, or one the macro
 *   rightly refused) is written with its input's bytes, so the runner lints that content once and both
 *   get the same findings: an output's errors are its input's by definition when it is its input.
 * - The runner lints the distinct contents with several cfn-lint processes at once, on slices balanced
 *   by size, and keeps findings by content between runs (see the runner; CFN_LINT_CACHE=0 lints all).
 * - Each set then runs the same tests as before on its input and output findings.
 *
 * Skips with a printed reason when the corpus folder or `cfn-lint` is missing.
 * Set CFN_LINT_KEEP=1 to keep the temporary directories (inputs, outputs, lint results) for a look.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { transformFragment } from "../../src/transform";
import { describeReport, lintFiles, missingCfnLint, SENTINEL_RULE, type LintReport, type LintResult } from "../helpers/cfn-lint";
import { confirmedLayerLimit, confirmedPolicyExcess, firstReason, missingDirectory, SAM_OUTPUT_DIR, skipUnless } from "../helpers/corpus";
import { killRunning } from "../helpers/spawn";

const TIMEOUT_MS = 15 * 60 * 1000;
const REGION = "us-east-1";
/**
 * Every feature that adds something, so that outputs differ from inputs as much as they can: the
 * extension path, and the forwarder path (log groups, subscriptions, state machines), which exclude each other.
 */
const COMMON = {
  pythonLayerVersion: 100,
  nodeLayerVersion: 100,
  javaLayerVersion: 20,
  dotnetLayerVersion: 20,
  rubyLayerVersion: 20,
  apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey-AbCdEf",
  enableXrayTracing: true,
  service: "svc",
  env: "test",
  version: "1",
  tags: "team:a",
  instrumentContainerImages: true,
};
const PARAMETER_SETS: Record<string, Record<string, unknown>> = {
  extension: { ...COMMON, extensionLayerVersion: 70 },
  forwarder: {
    ...COMMON,
    forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
    stepFunctionForwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
    stackName: "corpus-stack",
  },
};
/** The corpus has 422 templates with Lambda functions; fewer changed outputs means the comparison says little. */
const MIN_CHANGED_FILES = 400;

/**
 * A canary, linted with the corpus: a copy of one macro output (as "input") and the same copy with defects
 * planted where the macro writes (as "output"). The comparison must report each planted defect, which shows
 * end to end that cfn-lint checks these properties and that the comparison sees what it should.
 */
const CANARY_FILE = "zz-canary.json";
const CANARY_RULES = ["E3030", "E3032", "E3033", "E3510"] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Resources = Record<string, { Type?: string; Properties?: Record<string, Json> }>;

/** Plants the CANARY_RULES defects into a copy of `fragment`, or returns undefined when it has no suitable function. */
function plantDefects(fragment: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(fragment)) as { Resources?: Resources };
  const resources = copy.Resources ?? {};
  const role = Object.values(resources).find(
    (resource) => resource.Type === "AWS::IAM::Role" && Array.isArray(resource.Properties?.Policies) && resource.Properties.Policies.some((p) => isPolicy(p, "DatadogServerlessMacro")),
  );
  const fn = Object.values(resources).find(
    (resource) => resource.Type === "AWS::Lambda::Function" && Array.isArray(resource.Properties?.Layers) && typeof resource.Properties?.Handler === "string",
  );
  if (role === undefined || fn?.Properties === undefined) return undefined;
  const props = fn.Properties;
  props.Layers = [...(props.Layers as Json[]), ...[1, 2, 3, 4, 5].map((n) => `arn:aws:lambda:us-east-1:123456789012:layer:canary${n}:1`)]; // E3032 (more than 5)
  props.TracingConfig = { Mode: "Sometimes" }; // E3030 (enum)
  props.Handler = "h".repeat(200); // E3033 (longer than 128)
  const policy = (role.Properties?.Policies as Json[]).find((p) => isPolicy(p, "DatadogServerlessMacro")) as { PolicyDocument: { Statement: { Effect: string }[] } };
  policy.PolicyDocument.Statement[0].Effect = "Perhaps"; // E3510 (policy document)
  return copy;
}

function isPolicy(value: Json, name: string): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value.PolicyName === name;
}

interface LintError {
  file: string;
  rule: string;
  /** JSON path of the offending value, e.g. Resources/Fn/Properties/Layers/1; "(template)" when cfn-lint gives none. */
  where: string;
  message: string;
  line?: number;
}

interface LintRun {
  results: LintResult[];
  ms: number;
}

// ---------------------------------------------------------------------------------------------
// Comparison (pure; exercised below on synthetic results so that it cannot pass trivially)

/** Line and column numbers move when the macro adds properties; they are not part of an error's identity. */
function normaliseMessage(message: string): string {
  return message
    .replace(/\b(line|column)s? \d+/gi, "$1 N")
    // "'X' is not one of [every resource id]": the list grows with the resources the macro adds.
    .replace(/ is not one of \[[^\]]*\]/g, " is not one of [the template's names]")
    .replace(/\s+/g, " ")
    .trim();
}

/** Rule id, location in the template (not the line) and message: the same error before and after the macro. */
function errorKey(error: LintError): string {
  return `${error.rule}\u0000${error.where}\u0000${normaliseMessage(error.message)}`;
}

function toErrors(results: readonly LintResult[]): LintError[] {
  return results
    .filter((result) => result.Level === "Error" && result.Rule.Id.startsWith("E"))
    .map((result) => ({
      file: path.basename(result.Filename ?? "(no file)"),
      rule: result.Rule.Id,
      where: result.Location.Path === null || result.Location.Path.length === 0 ? "(template)" : result.Location.Path.join("/"),
      message: result.Message,
      line: result.Location.Start?.LineNumber,
    }));
}

/** Errors of `output` that its input (same file name) does not have. */
function newErrors(input: readonly LintError[], output: readonly LintError[]): LintError[] {
  const before = new Set(input.map((error) => `${error.file}\u0000${errorKey(error)}`));
  return output.filter((error) => !before.has(`${error.file}\u0000${errorKey(error)}`));
}

/** Grouped by rule, with file, location and message, plus a hint when the input had the same rule at the same place. */
function describeNewErrors(found: readonly LintError[], input: readonly LintError[]): string {
  const byRule = new Map<string, LintError[]>();
  for (const error of found) byRule.set(error.rule, [...(byRule.get(error.rule) ?? []), error]);
  const samePlace = new Set(input.map((error) => `${error.file}\u0000${error.rule}\u0000${error.where}`));
  const lines: string[] = [`${found.length} cfn-lint error(s) in the macro's output that the input does not have:`];
  for (const [rule, errors] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    const files = new Set(errors.map((error) => error.file));
    lines.push(`\n${rule}: ${errors.length} error(s) in ${files.size} file(s)`);
    for (const error of errors) {
      const hint = samePlace.has(`${error.file}\u0000${error.rule}\u0000${error.where}`) ? " [input has this rule here with another message]" : "";
      lines.push(`  ${error.file}${error.line === undefined ? "" : `:${error.line}`}  ${error.where}${hint}\n      ${error.message}`);
    }
  }
  return lines.join("\n");
}

describe("comparison of cfn-lint errors", () => {
  const error = (file: string, rule: string, where: string, message: string, line?: number): LintError => ({ file, rule, where, message, line });

  test("an error is new unless its input has the same rule, location and message (line numbers aside)", () => {
    const input = [
      error("a.json", "E2533", "Resources/Fn/Properties/Runtime", "Runtime 'nodejs12.x' was deprecated", 20),
      error("a.json", "E3012", "Resources/Fn/Properties/Layers/0", "found at line 7, column 3", 30),
    ];
    const output = [
      error("a.json", "E2533", "Resources/Fn/Properties/Runtime", "Runtime 'nodejs12.x' was deprecated", 24), // moved only
      error("a.json", "E3012", "Resources/Fn/Properties/Layers/0", "found at line 9, column 5", 35), // moved only
      error("a.json", "E3012", "Resources/Fn/Properties/Layers/1", "found at line 9, column 5"), // other place
      error("a.json", "E2533", "Resources/Fn/Properties/Runtime", "Runtime 'nodejs14.x' was deprecated"), // other message
      error("b.json", "E2533", "Resources/Fn/Properties/Runtime", "Runtime 'nodejs12.x' was deprecated"), // other file
      error("a.json", "E3002", "Resources/Fn/Properties/Runtime", "Runtime 'nodejs12.x' was deprecated"), // other rule
    ];
    // The list of valid names grows with the macro's resources; the unresolved name itself must match.
    input.push(error("a.json", "E1020", "Resources/Api/Ref", "'Pool' is not one of ['Api', 'Fn']"));
    output.push(error("a.json", "E1020", "Resources/Api/Ref", "'Pool' is not one of ['Api', 'Fn', 'FnLogGroup']"));
    output.push(error("a.json", "E1020", "Resources/Api/Ref", "'Other' is not one of ['Api', 'Fn', 'FnLogGroup']"));
    expect(newErrors(input, output).map((e) => `${e.file} ${e.rule} ${e.where} ${e.message}`)).toEqual([
      "a.json E3012 Resources/Fn/Properties/Layers/1 found at line 9, column 5",
      "a.json E2533 Resources/Fn/Properties/Runtime Runtime 'nodejs14.x' was deprecated",
      "b.json E2533 Resources/Fn/Properties/Runtime Runtime 'nodejs12.x' was deprecated",
      "a.json E3002 Resources/Fn/Properties/Runtime Runtime 'nodejs12.x' was deprecated",
      "a.json E1020 Resources/Api/Ref 'Other' is not one of ['Api', 'Fn', 'FnLogGroup']",
    ]);
  });

  test("only errors count: warnings and informational findings are left out", () => {
    const result = (Level: string, Id: string): LintResult => ({ Filename: "/x/a.json", Level, Message: "m", Rule: { Id }, Location: { Path: ["Resources"] } });
    expect(toErrors([result("Error", "E1001"), result("Warning", "W2001"), result("Informational", SENTINEL_RULE)])).toEqual([
      { file: "a.json", rule: "E1001", where: "Resources", message: "m", line: undefined },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The corpus

const corpus = skipUnless(
  firstReason(missingDirectory(SAM_OUTPUT_DIR), missingCfnLint()),
  "cfn-lint comparison of macro inputs and outputs on the SAM corpus",
);

/** What one parameter set made of the corpus, and the findings of its inputs and outputs. */
interface SetRun {
  failures: string[];
  /** Files the macro refused, rightly (see confirmedLayerLimit and confirmedPolicyExcess). */
  refused: string[];
  changed: string[];
  unchangedWithFunctions: string[];
  instrumentedFunctions: number;
  outDir: string;
  /** The canary's "input" (a macro output) and "output" (the same with planted defects), when made. */
  canary?: { source: string; input: string; output: string };
  input: LintRun;
  output: LintRun;
  transformMs: number;
}

corpus.describe(`cfn-lint on the SAM corpus (${SAM_OUTPUT_DIR})`, () => {
  let workDir = "";
  const files: string[] = [];
  const sets = new Map<string, SetRun>();
  let report: LintReport | undefined;

  beforeAll(async () => {
    const started = Date.now();
    workDir = mkdtempSync(path.join(os.tmpdir(), "dd-macro-cfn-lint-"));
    const inDir = path.join(workDir, "input");
    mkdirSync(inDir);
    files.push(...readdirSync(SAM_OUTPUT_DIR).filter((name) => name.endsWith(".json")).sort());
    const texts = new Map<string, string>();
    for (const name of files) {
      const text = readFileSync(path.join(SAM_OUTPUT_DIR, name), "utf8");
      texts.set(name, text);
      writeFileSync(path.join(inDir, name), text);
    }

    for (const [setName, params] of Object.entries(PARAMETER_SETS)) {
      const setStarted = Date.now();
      const outDir = path.join(workDir, setName, "output");
      mkdirSync(outDir, { recursive: true });
      const run: SetRun = { failures: [], refused: [], changed: [], unchangedWithFunctions: [], instrumentedFunctions: 0, outDir, input: { results: [], ms: 0 }, output: { results: [], ms: 0 }, transformMs: 0 };
      sets.set(setName, run);
      for (const name of files) {
        const text = texts.get(name)!;
        const fragment: unknown = JSON.parse(text);
        // Taken before the transform, so that an input edited in place would not look unchanged.
        const before = JSON.stringify(fragment, null, 2);
        let result: ReturnType<typeof transformFragment>;
        try {
          result = transformFragment({ fragment, params, region: REGION, templateParameterValues: {}, env: {}, macroVersion: "0.0.0-test" });
        } catch (error) {
          run.failures.push(`${name}: threw ${error instanceof Error ? error.stack : String(error)}`);
          writeFileSync(path.join(outDir, name), text);
          continue;
        }
        const after = JSON.stringify(result.fragment, null, 2);
        const same = after === before;
        if (!result.ok) {
          // A failed transform hands the fragment back as received (CloudFormation then stops); lint compares it to itself.
          if (same && result.errors.every((error) => confirmedLayerLimit(error, JSON.parse(text)) || confirmedPolicyExcess(error, JSON.parse(text)))) run.refused.push(`${name}: ${result.errors.join(" | ")}`);
          else run.failures.push(`${name}:${same ? "" : " (fragment changed)"}\n    ${result.errors.join("\n    ")}`);
        }
        run.instrumentedFunctions += result.instrumented.length;
        if (!same) run.changed.push(name);
        else if (result.ok && /"AWS::(Lambda|Serverless)::Function"/.test(text)) run.unchangedWithFunctions.push(name);
        // Identical to the input: written as the input's bytes, so that the runner lints it once for both.
        writeFileSync(path.join(outDir, name), same ? text : `${after}\n`);
      }

      for (const name of run.changed) {
        const macroOutput: unknown = JSON.parse(readFileSync(path.join(outDir, name), "utf8"));
        const planted = plantDefects(macroOutput);
        if (planted === undefined) continue;
        const canaryDir = path.join(workDir, setName, "canary");
        for (const side of ["input", "output"]) mkdirSync(path.join(canaryDir, side), { recursive: true });
        run.canary = { source: name, input: path.join(canaryDir, "input", CANARY_FILE), output: path.join(canaryDir, "output", CANARY_FILE) };
        writeFileSync(run.canary.input, JSON.stringify(macroOutput, null, 2));
        writeFileSync(run.canary.output, JSON.stringify(planted, null, 2));
        break;
      }
      run.transformMs = Date.now() - setStarted;
    }
    const transformed = Date.now();

    // Every input once, every set's outputs and canary: one call, shared over several cfn-lint processes.
    const inputs = files.map((name) => path.join(inDir, name));
    const all = [...inputs];
    for (const run of sets.values()) {
      all.push(...files.map((name) => path.join(run.outDir, name)));
      if (run.canary) all.push(run.canary.input, run.canary.output);
    }
    report = await lintFiles(all, { region: REGION });
    const findings = (paths: readonly string[]) => paths.flatMap((file) => report!.byFile.get(file) ?? []);
    const inputFindings = findings(inputs);
    for (const run of sets.values()) {
      run.input = { results: [...inputFindings, ...findings(run.canary ? [run.canary.input] : [])], ms: report.ms };
      run.output = { results: [...findings(files.map((name) => path.join(run.outDir, name))), ...findings(run.canary ? [run.canary.output] : [])], ms: report.ms };
      writeFileSync(path.join(run.outDir, "..", "input.lint.json"), JSON.stringify(run.input.results, null, 1));
      writeFileSync(path.join(run.outDir, "..", "output.lint.json"), JSON.stringify(run.output.results, null, 1));
    }
    const total = Date.now() - started;
    for (const [setName, run] of sets) {
      console.log(
        [
          `cfn-lint corpus check (${setName}): ${files.length} files, ${run.changed.length} changed by the macro, ${run.instrumentedFunctions} functions instrumented, ${run.failures.length} unexpected transform failures`,
          `  refused rightly (a layer or role-policy limit the template already reaches) (${run.refused.length}):${run.refused.map((line) => `\n    ${line}`).join("") || " none"}`,
          `  transform + write: ${run.transformMs} ms; findings: input ${run.input.results.length} (${toErrors(run.input.results).length} errors), output ${run.output.results.length} (${toErrors(run.output.results).length} errors)`,
          `  canary made from ${run.canary?.source ?? "(no suitable file)"}`,
        ].join("\n"),
      );
    }
    console.log(
      [
        `cfn-lint corpus check, all sets: transform ${transformed - started} ms; cfn-lint: ${describeReport(report)}; total ${total} ms`,
        `  files: ${workDir}${process.env.CFN_LINT_KEEP ? " (kept)" : " (removed; set CFN_LINT_KEEP=1 to keep)"}`,
      ].join("\n"),
    );
  }, TIMEOUT_MS);

  afterAll(() => {
    killRunning();
    if (workDir !== "" && !process.env.CFN_LINT_KEEP) rmSync(workDir, { recursive: true, force: true });
  });

  describe.each(Object.keys(PARAMETER_SETS))("%s parameters", (setName) => {
    const get = (): SetRun => {
      const run = sets.get(setName);
      if (run === undefined) throw new Error(`the ${setName} set did not run (see beforeAll)`);
      return run;
    };

    test("the corpus is there and every template transforms", () => {
      expect(files.length).toBeGreaterThan(MIN_CHANGED_FILES);
      expect(get().failures).toEqual([]);
    });

    test(`the macro changes every template with a function it transforms (at least ${MIN_CHANGED_FILES}), so the comparison has something to compare`, () => {
      const { unchangedWithFunctions, changed, instrumentedFunctions } = get();
      expect(unchangedWithFunctions).toEqual([]);
      expect(changed.length).toBeGreaterThanOrEqual(MIN_CHANGED_FILES);
      expect(instrumentedFunctions).toBeGreaterThanOrEqual(MIN_CHANGED_FILES);
    });

    test("cfn-lint linted every input and every output", () => {
      const { input, output } = get();
      const withoutFile = [...input.results, ...output.results].filter((result) => result.Filename === null);
      expect(withoutFile.map((result) => `${result.Rule.Id}: ${result.Message}`)).toEqual([]);
      // Findings that name none of the files given (the runner could not place them) would be as bad.
      expect(report?.unattributed.map((result) => `${result.Filename}: ${result.Rule.Id}: ${result.Message}`)).toEqual([]);
      const linted = (run: LintRun) => new Set(run.results.filter((r) => r.Rule.Id === SENTINEL_RULE).map((r) => path.basename(r.Filename ?? "")));
      // An input cfn-lint cannot parse reports E0000 instead of the sentinel; an output must always parse.
      const unparsable = new Set(input.results.filter((r) => r.Rule.Id === "E0000").map((r) => path.basename(r.Filename ?? "")));
      const lintedInputs = linted(input);
      const lintedOutputs = linted(output);
      expect(files.filter((name) => !lintedInputs.has(name) && !unparsable.has(name))).toEqual([]);
      expect(files.filter((name) => !lintedOutputs.has(name))).toEqual([]);
    });

    test(`the comparison reports defects planted in a macro output (${CANARY_RULES.join(", ")})`, () => {
      const { canary, input, output } = get();
      expect(canary).toBeDefined();
      const found = newErrors(toErrors(input.results), toErrors(output.results)).filter((error) => error.file === CANARY_FILE);
      expect([...new Set(found.map((error) => error.rule))].sort()).toEqual(expect.arrayContaining([...CANARY_RULES]));
    });

    test("the macro's output has no cfn-lint error its input does not have", () => {
      const { input, output } = get();
      const before = toErrors(input.results);
      const found = newErrors(before, toErrors(output.results)).filter((error) => error.file !== CANARY_FILE);
      if (found.length > 0) throw new Error(describeNewErrors(found, before));
    });
  });
});
