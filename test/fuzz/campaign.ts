/**
 * Runs fuzz campaigns: `runCases` (used by test/fuzz/fuzz.test.ts with a fixed seed) and `main`, the
 * command line behind `node scripts/fuzz.mjs --seed N --cases M`, which minimises each new failing case
 * and writes it under test/fuzz/cases/ for test/fuzz/regressions.test.ts to replay.
 */
import { parseArgs } from "node:util";
import { checkCase, type Broken, type PromiseName } from "./check";
import { generateCase } from "./engine";
import { knownFailure, readKnownFailures, writeCase, type KnownFailure } from "./cases";
import type { FuzzCase } from "./mutate";
import { loadSeeds, type Seeds } from "./seeds";
import { shrink } from "./shrink";

export interface Failure {
  index: number;
  source: string;
  broken: Broken[];
  fuzzCase: FuzzCase;
}

export interface CampaignResult {
  cases: number;
  success: number;
  failure: number;
  threw: number;
  failures: Failure[];
  slowest: { millis: number; index: number; source: string };
  elapsedMs: number;
  corpusMissing?: string;
}

export async function runCases(options: { root: string; seed: number; cases: number; first?: number; seeds?: Seeds; onFailure?: (failure: Failure) => void | Promise<void> }): Promise<CampaignResult> {
  const seeds = options.seeds ?? loadSeeds(options.root);
  const result: CampaignResult = { cases: 0, success: 0, failure: 0, threw: 0, failures: [], slowest: { millis: 0, index: -1, source: "" }, elapsedMs: 0, corpusMissing: seeds.corpusMissing };
  const start = Date.now();
  const first = options.first ?? 0;
  for (let index = first; index < first + options.cases; index++) {
    const { fuzzCase, source } = generateCase(seeds, options.seed, index);
    // checkCase never edits the case (the handler gets copies): it stays as generated, for shrinking and writing.
    const checked = await checkCase(fuzzCase);
    result.cases++;
    result[checked.status]++;
    if (checked.millis > result.slowest.millis) result.slowest = { millis: checked.millis, index, source };
    if (checked.broken.length > 0) {
      const failure = { index, source, broken: checked.broken, fuzzCase };
      result.failures.push(failure);
      await options.onFailure?.(failure);
    }
  }
  result.elapsedMs = Date.now() - start;
  return result;
}

/** Whether `c` still breaks `promise` (any detail). */
export async function breaks(c: FuzzCase, promise: PromiseName): Promise<Broken | undefined> {
  const checked = await checkCase(c);
  return checked.broken.find((broken) => broken.promise === promise);
}

/** A failure's detail without what changes from case to case: logical ids, quoted values (but rule ids), numbers. */
export function signatureOf(detail: string): string {
  return detail
    .replace(/Resources\.[^.\s(]+/g, "Resources.*")
    .replace(/"([EWI]\d{3}\b)?[^"]*"/g, (_quoted, rule: string | undefined) => `"${rule ?? ""}"`)
    .replace(/(?<![A-Z\d])\d+/g, "N")
    .slice(0, 100);
}

const USAGE = `usage: node scripts/fuzz.mjs [--seed N] [--cases M] [--first K] [--max-per-promise P] [--shrink-budget B] [--all] [--no-write]
  --seed N            campaign seed (default 1); the same seed gives the same cases
  --cases M           number of cases (default 2000)
  --first K           first case number (default 0): --seed 7 --first 1234 --cases 1 replays one case
  --max-per-promise P minimise and write at most P new cases per broken promise (default 5), one per kind of detail
  --shrink-budget B   most tries when minimising one case (default 3000)
  --all               also write cases explained by test/fuzz/known-failures.json
  --no-write          report only`;

export async function main(argv: string[], root: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seed: { type: "string", default: "1" },
        cases: { type: "string", default: "2000" },
        first: { type: "string", default: "0" },
        "max-per-promise": { type: "string", default: "5" },
        "shrink-budget": { type: "string", default: "3000" },
        all: { type: "boolean", default: false },
        "no-write": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const number = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${JSON.stringify(text)}`);
    return n;
  };
  let seed: number, cases: number, first: number, perPromise: number, budget: number;
  try {
    seed = number("seed", values.seed!);
    cases = number("cases", values.cases!);
    first = number("first", values.first!);
    perPromise = number("max-per-promise", values["max-per-promise"]!);
    budget = number("shrink-budget", values["shrink-budget"]!);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const known: KnownFailure[] = readKnownFailures(root);
  const written = new Map<PromiseName, string[]>();
  const counts = new Map<string, number>();
  const signatures = new Set<string>();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`fuzz: seed ${seed}, cases ${first}..${first + cases - 1}`);

  const result = await runCases({
    root,
    seed,
    cases,
    first,
    async onFailure(failure) {
      for (const broken of failure.broken) {
        const explained = knownFailure(known, broken);
        const key = `${broken.promise}: ${signatureOf(broken.detail)}${explained ? " (known)" : ""}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        log(`case ${failure.index} (${failure.source}): ${broken.promise}${explained ? " [known]" : ""}: ${broken.detail}`);
        if (values["no-write"] || (explained && !values.all)) continue;
        const done = written.get(broken.promise) ?? [];
        // One case per kind of break (the detail without its ids and numbers), a few per promise.
        const signature = `${broken.promise}: ${signatureOf(broken.detail)}`;
        if (done.length >= perPromise || signatures.has(signature)) continue;
        signatures.add(signature);
        const started = Date.now();
        const { fuzzCase, tries } = await shrink(failure.fuzzCase, async (c) => (await breaks(c, broken.promise)) !== undefined, { budget, deadline: 120_000 });
        const still = await breaks(fuzzCase, broken.promise);
        if (still === undefined) continue;
        // Minimised cases of one bug often end alike: keep the first.
        const minimal = `${broken.promise}: ${signatureOf(still.detail)}`;
        if (minimal !== signature && signatures.has(minimal)) continue;
        signatures.add(minimal);
        const file = writeCase(root, { promise: broken.promise, detail: still.detail, found: { seed, index: failure.index, source: failure.source }, fuzzCase });
        if (!done.includes(file)) done.push(file);
        written.set(broken.promise, done);
        log(`  minimised in ${tries} tries (${Date.now() - started} ms): test/fuzz/cases/${file}`);
      }
    },
  });
  log(
    `fuzz: ${result.cases} cases in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.success} success, ${result.failure} failure, ${result.threw} threw); ` +
      `slowest ${Math.round(result.slowest.millis)} ms (case ${result.slowest.index}, ${result.slowest.source})`,
  );
  if (result.corpusMissing) log(`fuzz: ${result.corpusMissing}`);
  if (counts.size === 0) log("fuzz: every promise held");
  for (const [key, count] of [...counts].sort()) log(`fuzz: ${key}: ${count} cases`);
  for (const [promise, files] of written) log(`fuzz: wrote ${files.length} ${promise} case(s): ${files.join(", ")}`);
  const unexplained = [...counts.keys()].filter((key) => !key.endsWith("(known)"));
  return unexplained.length > 0 ? 1 : 0;
}
