/**
 * One cfn-lint runner for the suites that lint templates (test/integration/cfn-lint.test.ts on the SAM
 * corpus, test/integration/golden-lint.test.ts on the golden cases).
 *
 * How the work is shared, and why no result changes:
 * - Each distinct file content is linted once per call: files with the same bytes (an output identical to
 *   its input, the same output under two parameter sets) share one lint, and each gets the findings with
 *   its own Filename. cfn-lint lints every template on its own, so the findings of identical bytes are
 *   identical by definition.
 * - The files left are split over several cfn-lint processes at once (slices balanced by size, one
 *   start-up per process): `lintJobs()` processes, CFN_LINT_JOBS=n to choose.
 * - Findings are kept between runs in node_modules/.cache/cfn-lint-results, one entry per file content,
 *   keyed on that content and on everything else that decides the findings: `cfn-lint --version`, the
 *   region, the arguments and the sentinel rule's source. A template linted before under the same key is
 *   not linted again (the corpus inputs never change; an output is linted again as soon as one byte of it
 *   changes). CFN_LINT_CACHE=0 lints everything (e.g. after `cfn-lint --update-specs`, which changes the
 *   specifications without changing the version), CFN_LINT_CACHE=<dir> puts the entries elsewhere.
 * - A sentinel rule (I9999) reports once per template linted, so a caller can prove that every file was
 *   linted (files without findings are otherwise absent from cfn-lint's JSON output).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./corpus";
import { spawnAsync } from "./spawn";

/** One entry of `cfn-lint --format json`. */
export interface LintResult {
  Filename: string | null;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: Array<string | number> | null; Start?: { LineNumber: number } };
}

export interface LintReport {
  /** The findings of each file given (by the path given), each with that path as Filename. */
  byFile: Map<string, LintResult[]>;
  /** Findings cfn-lint printed that name no file given (a Filename of null, or another file): expected none. */
  unattributed: LintResult[];
  /** Files given, distinct contents among them, contents taken from the cache, contents linted now. */
  files: number;
  distinct: number;
  cached: number;
  linted: number;
  /** cfn-lint processes started, and the wall time of the call. */
  processes: number;
  ms: number;
}

export interface LintOptions {
  region: string;
  /** At most this many cfn-lint processes (default lintJobs()). */
  jobs?: number;
  /**
   * Schema files of CloudFormation registry types (a third party's, such as `Datadog::Monitors::Monitor`)
   * given to cfn-lint (`--registry-schemas`), so that it knows those types instead of flagging them unknown.
   */
  registrySchemas?: readonly string[];
}

export const SENTINEL_RULE = "I9999";
const SENTINEL_SOURCE = `from cfnlint.rules import CloudFormationLintRule, RuleMatch


class DatadogMacroTestLinted(CloudFormationLintRule):
    id = "${SENTINEL_RULE}"
    shortdesc = "Template linted"
    description = "Reports once per template so that every linted file appears in the results"
    source_url = "https://github.com/aws-cloudformation/cfn-lint"
    tags = ["sentinel"]

    def match(self, cfn):
        return [RuleMatch(["Resources"], "linted")]
`;
/** Fewer files than this per process, and cfn-lint's start-up (about 2 s) costs more than the split gains. */
const MIN_FILES_PER_PROCESS = 15;
/** Stands for the file's name in stored messages. */
const FILE = "\u0000file\u0000";
const CACHE_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

let version: { text?: string; reason?: string } | undefined;

/** Why cfn-lint cannot be used, or undefined; runs `cfn-lint --version` once per test file. */
export function missingCfnLint(): string | undefined {
  if (version === undefined) {
    const run = spawnSync("cfn-lint", ["--version"], { encoding: "utf8", timeout: 60_000 });
    if (run.error) version = { reason: `\`cfn-lint\` cannot be run (${run.error.message}); is it on PATH?` };
    else if (run.status !== 0) version = { reason: `\`cfn-lint --version\` exited with ${run.status}: ${(run.stderr || run.stdout).trim()}` };
    else version = { text: run.stdout.trim() };
  }
  return version.reason;
}

/**
 * How many cfn-lint processes to run: the cores, less those the other jest workers keep busy
 * (jest.config.js passes its maxWorkers as DD_TEST_JEST_WORKERS), and at least 2 (the lint is the
 * longest part of `npm test`; two processes on two cores still leave the scheduler to share them fairly).
 */
export function lintJobs(): number {
  const fromEnv = Number(process.env.CFN_LINT_JOBS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const otherWorkers = Math.max(0, (Number(process.env.DD_TEST_JEST_WORKERS) || 1) - 1);
  return Math.max(2, os.availableParallelism() - otherWorkers);
}

function cacheDir(): string | undefined {
  const setting = process.env.CFN_LINT_CACHE;
  if (setting === "0" || setting === "off" || setting === "false") return undefined;
  return setting && setting !== "1" ? path.resolve(setting) : path.join(REPO_ROOT, "node_modules", ".cache", "cfn-lint-results");
}

let rulesDir: string | undefined;
/** A folder with the sentinel rule, made once per test file and removed when the process exits. */
function sentinelRules(): string {
  if (rulesDir === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dd-macro-cfn-lint-rules-"));
    writeFileSync(path.join(dir, "datadog_macro_test_linted.py"), SENTINEL_SOURCE);
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    rulesDir = dir;
  }
  return rulesDir;
}

function lintArgs(region: string): string[] {
  return ["--format", "json", "--regions", region, "--non-zero-exit-code", "none", "--append-rules", sentinelRules(), "--include-checks", SENTINEL_RULE];
}

/**
 * A directory holding only these schema files (cfn-lint reads every .json under the directory it is
 * given), removed on exit; and a digest of their contents, which decides findings (the path does not).
 */
function registrySchemaDir(files: readonly string[]): { dir: string; digest: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ddsm-registry-schemas-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const digest = createHash("sha256");
  for (const file of [...files].sort()) {
    const bytes = readFileSync(file);
    digest.update(bytes);
    writeFileSync(path.join(dir, path.basename(file)), bytes);
  }
  return { dir, digest: digest.digest("hex") };
}

/** Splits `items` into at most `bins` groups of about equal total size (largest first, each to the lightest group). */
function balance<T>(items: readonly T[], size: (item: T) => number, bins: number): T[][] {
  const groups = Array.from({ length: bins }, () => ({ total: 0, items: [] as T[] }));
  for (const item of [...items].sort((a, b) => size(b) - size(a))) {
    const lightest = groups.reduce((min, group) => (group.total < min.total ? group : min));
    lightest.items.push(item);
    lightest.total += size(item);
  }
  return groups.map((group) => group.items).filter((group) => group.length > 0);
}

let pruned = false;
/** Removes cache entries nobody used for two weeks (a hit renews an entry's time), once per test file. */
function prune(dir: string): void {
  if (pruned) return;
  pruned = true;
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > CACHE_MAX_AGE_MS) rmSync(file, { force: true });
    } catch {
      // Another worker removed it first.
    }
  }
}

/** Lints `files` (absolute paths); findings do not make it fail, a cfn-lint crash or unreadable output does. */
export async function lintFiles(files: readonly string[], options: LintOptions): Promise<LintReport> {
  const started = Date.now();
  const reason = missingCfnLint();
  if (reason !== undefined) throw new Error(reason);
  const args = lintArgs(options.region);
  const schemas = options.registrySchemas?.length ? registrySchemaDir(options.registrySchemas) : undefined;
  const stableArgs = args.filter((arg) => arg !== sentinelRules()).join(" ");
  const salt = createHash("sha256").update(`${version?.text}\u0000${options.region}\u0000${stableArgs}\u0000${SENTINEL_SOURCE}\u0000${schemas ? `registry-schemas ${schemas.digest}\u0000` : ""}`);
  if (schemas) args.push("--registry-schemas", schemas.dir);

  // Distinct contents, each with the first file that has it.
  const keyOf = new Map<string, string>();
  const distinct = new Map<string, { file: string; size: number }>();
  for (const file of files) {
    const bytes = readFileSync(file);
    const key = salt.copy().update(bytes).digest("hex");
    keyOf.set(file, key);
    if (!distinct.has(key)) distinct.set(key, { file, size: bytes.length });
  }

  const dir = cacheDir();
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const findings = new Map<string, LintResult[]>();
  for (const key of distinct.keys()) {
    if (dir === undefined) break;
    const entry = path.join(dir, `${key}.json`);
    try {
      findings.set(key, JSON.parse(readFileSync(entry, "utf8")) as LintResult[]);
      const now = new Date();
      utimesSync(entry, now, now);
    } catch {
      // Not linted before (or an unreadable entry): linted below.
    }
  }
  const cached = findings.size;

  const missing = [...distinct].filter(([key]) => !findings.has(key));
  const slices = balance(missing, ([, { size }]) => size, Math.max(1, Math.min(options.jobs ?? lintJobs(), Math.ceil(missing.length / MIN_FILES_PER_PROCESS))));
  const unattributed: LintResult[] = [];
  const runs = await Promise.all(
    slices.map(async (slice) => {
      const paths = slice.map(([, { file }]) => file);
      const run = await spawnAsync("cfn-lint", [...args, "--", ...paths]);
      if (run.status !== 0) throw new Error(`cfn-lint on ${paths.length} files (${paths[0]} ...) exited with ${run.status ?? run.signal}:\n${run.stderr.slice(-4000)}`);
      let results: unknown;
      try {
        results = JSON.parse(run.stdout);
      } catch (error) {
        throw new Error(`cfn-lint on ${paths.length} files (${paths[0]} ...) printed no JSON (${String(error)}):\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
      }
      if (!Array.isArray(results)) throw new Error(`cfn-lint printed ${typeof results}, not a list of findings`);
      return { slice, results: results as LintResult[] };
    }),
  );
  for (const { slice, results } of runs) {
    const keyByPath = new Map(slice.map(([key, { file }]) => [path.resolve(file), key]));
    const found = new Map<string, LintResult[]>(slice.map(([key]) => [key, []]));
    for (const result of results) {
      const key = result.Filename === null ? undefined : keyByPath.get(path.resolve(result.Filename));
      if (key === undefined) unattributed.push(result);
      // A message naming the file names it by a placeholder, so that findings do not depend on the folder.
      else found.get(key)!.push({ ...result, Filename: "", Message: result.Message.split(result.Filename!).join(FILE) });
    }
    for (const [key, list] of found) {
      findings.set(key, list);
      // A file cfn-lint went through reports the sentinel or E0000 (unparsable): anything else is not kept.
      if (dir === undefined || list.length === 0) continue;
      const entry = path.join(dir, `${key}.json`);
      const temporary = `${entry}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(list));
      renameSync(temporary, entry);
    }
  }
  if (dir !== undefined) prune(dir);

  const byFile = new Map<string, LintResult[]>();
  // As when cfn-lint runs in the file's folder on its bare name: a message names the file by that name.
  for (const file of files) {
    const own = (findings.get(keyOf.get(file)!) ?? []).map((result) => ({ ...result, Filename: file, Message: result.Message.split(FILE).join(path.basename(file)) }));
    byFile.set(file, own);
  }
  return { byFile, unattributed, files: files.length, distinct: distinct.size, cached, linted: missing.length, processes: slices.length, ms: Date.now() - started };
}

/** One line on what a lintFiles call did, for the suites' console summaries. */
export function describeReport(report: LintReport): string {
  return `${report.files} files, ${report.distinct} distinct, ${report.cached} from the cache, ${report.linted} linted by ${report.processes} cfn-lint process(es) in ${report.ms} ms`;
}
