/**
 * The fuzz suite as `npm test` runs it: a fixed seed, a bounded number of cases, every promise checked
 * on every case (see test/fuzz/README.md). A failure names the case; replay it with
 * `node scripts/fuzz.mjs --seed <seed> --first <case> --cases 1`, which also minimises it into
 * test/fuzz/cases/. Breaks explained by test/fuzz/known-failures.json are printed, not failed.
 */
import path from "node:path";
import { runCases, signatureOf, type CampaignResult } from "./campaign";
import { knownFailure, readKnownFailures } from "./cases";
import { keyBesideIntrinsic, mixedMaps, TIME_LIMIT_MS } from "./check";
import { generateCase } from "./engine";
import { loadSeeds } from "./seeds";

const ROOT = path.resolve(__dirname, "../..");
export const SEED = 20261101;
export const CASES = 3000;

describe("fuzz: fixed seed", () => {
  let result: CampaignResult;

  beforeAll(async () => {
    result = await runCases({ root: ROOT, seed: SEED, cases: CASES });
  });

  test(`${CASES} cases keep every promise (seed ${SEED})`, () => {
    const known = readKnownFailures(ROOT);
    // One line per kind of break (thousands of cases often break a promise the same way), at most 30.
    const unexplained = new Map<string, string>();
    const explained = new Map<string, number>();
    for (const failure of result.failures) {
      for (const broken of failure.broken) {
        const entry = knownFailure(known, broken);
        const kind = `${broken.promise}: ${entry ? entry.reason.split(/(?<=[.;]) /)[0] : signatureOf(broken.detail)}`;
        if (entry) explained.set(kind, (explained.get(kind) ?? 0) + 1);
        else if (!unexplained.has(kind) && unexplained.size < 30) {
          unexplained.set(kind, `case ${failure.index} (${failure.source}): ${broken.promise}: ${broken.detail}\n  replay and minimise: node scripts/fuzz.mjs --seed ${SEED} --first ${failure.index} --cases 1`);
        }
      }
    }
    const lines = [
      `fuzz: ${result.cases} cases, seed ${SEED}, ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.success} success, ${result.failure} failure, ${result.threw} threw; ` +
        `slowest ${Math.round(result.slowest.millis)} ms (case ${result.slowest.index}, ${result.slowest.source})`,
      ...(result.corpusMissing ? [`fuzz: ${result.corpusMissing}`] : []),
      ...[...explained].map(([reason, count]) => `KNOWN FAILURE (${count} cases), not failed: ${reason}`),
    ];
    process.stderr.write(`${lines.join("\n")}\n`);
    expect([...unexplained.values()]).toEqual([]);
  });

  test("the cases get past validation often enough to test instrumenting, and stay fast", () => {
    expect(result.cases).toBe(CASES);
    expect(result.success).toBeGreaterThan(CASES * 0.4);
    expect(result.failure).toBeGreaterThan(CASES * 0.1);
    expect(result.slowest.millis).toBeLessThan(TIME_LIMIT_MS);
  });
});

describe("fuzz: the engine", () => {
  const seeds = loadSeeds(ROOT);

  test("a seed and a case number give the same case, without Math.random", () => {
    const random = jest.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("the fuzzer must not use Math.random");
    });
    try {
      for (const index of [0, 1, 17, 2999]) {
        expect(JSON.stringify(generateCase(seeds, 5, index))).toBe(JSON.stringify(generateCase(seeds, 5, index)));
      }
      expect(JSON.stringify(generateCase(seeds, 5, 1))).not.toBe(JSON.stringify(generateCase(seeds, 6, 1)));
    } finally {
      random.mockRestore();
    }
  });

  test("cases mutate Resources, parameters and events, and plant the canary", () => {
    const cases = Array.from({ length: 300 }, (_, i) => generateCase(seeds, SEED, i));
    const planted = cases.filter(({ fuzzCase }) => JSON.stringify([fuzzCase.fragment, fuzzCase.params, fuzzCase.env]).includes(fuzzCase.canary));
    expect(planted.length).toBeGreaterThan(150);
    const text = JSON.stringify(cases);
    for (const needle of ['"Fn::If"', '"AWS::NoValue"', '"Fn::Sub"', '"Fn::GetAtt"', '"Fn::ImportValue"', '"Fn::Select"', '"Fn::Join"', '"Fn::FindInMap"', '"__proto__"', '"constructor"', '"forwarderArn"', '"stepFunctionForwarderArn"', '"AWS::ApiGateway::Stage"']) {
      expect(text).toContain(needle);
    }
    expect(new Set(cases.map(({ source }) => source.split(":")[0]))).toEqual(new Set(seeds.corpus.length ? ["golden", "corpus", "generated"] : ["golden", "generated"]));
  });

  test("the key-beside-intrinsic check: new keys count, the user's own mixed maps do not", () => {
    const input = { Resources: { F: { Properties: { Role: { Ref: "R" }, Tags: { "Fn::If": ["C", 1, 2], Extra: 1 } } } } };
    const users = mixedMaps(input);
    expect(keyBesideIntrinsic({ Resources: { F: { Properties: { Role: { Ref: "R", New: 1 }, Tags: input.Resources.F.Properties.Tags } } } }, input, users)).toBe("$.Resources.F.Properties.Role");
    expect(keyBesideIntrinsic({ Resources: { F: { Properties: { Role: { Ref: "R" }, Tags: { "Fn::If": ["C", 1, 2], Extra: 1, More: 2 } } } } }, input, users)).toBeUndefined();
    expect(keyBesideIntrinsic({ Resources: { F: { Properties: { Role: { Ref: "R" }, Copy: { "Fn::If": ["C", 1, 2], Extra: 1 } } } } }, input, users)).toBeUndefined();
    expect(keyBesideIntrinsic({ Ref: "x", Resources: {} }, {}, users)).toBeUndefined();
  });
});
