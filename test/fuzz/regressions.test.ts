/**
 * Replays every minimised failing case under test/fuzz/cases/ (written by `node scripts/fuzz.mjs`).
 * A case must keep every promise, unless test/fuzz/known-failures.json lists it: then it must still break
 * the promise it was written for (printed with the reason), so that the day a fix lands the entry is
 * removed and the case becomes an ordinary regression test.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { casesDir, readCases, readKnownFailures } from "./cases";
import { checkCase } from "./check";

const ROOT = path.resolve(__dirname, "../..");
const cases = readCases(ROOT);
const known = readKnownFailures(ROOT);

describe("fuzz regressions", () => {
  test("known failures name existing case files and a reason", () => {
    for (const entry of known) {
      expect(entry.reason.length).toBeGreaterThan(20);
      expect(() => new RegExp(entry.detail)).not.toThrow();
      for (const file of entry.cases) expect(existsSync(path.join(casesDir(ROOT), file))).toBe(true);
    }
  });

  if (cases.length === 0) test.skip("no case files under test/fuzz/cases", () => undefined);

  test.each(cases.map(({ file, data }) => [file, data] as const))("%s", async (file, data) => {
    const entry = known.find((candidate) => candidate.cases.includes(file));
    const { broken } = await checkCase(JSON.parse(JSON.stringify(data.fuzzCase)));
    if (entry === undefined) {
      expect(broken).toEqual([]);
      return;
    }
    const still = broken.filter((b) => b.promise === entry.promise && new RegExp(entry.detail).test(b.detail));
    if (still.length === 0) {
      throw new Error(`${file} now keeps its promise (${entry.promise}): remove it from known-failures.json ("${entry.reason}") so it guards the fix`);
    }
    process.stderr.write(`KNOWN FAILURE ${file}: ${entry.promise}: ${entry.reason}\n`);
    // Nothing else may break on it.
    expect(broken.filter((b) => !still.includes(b))).toEqual([]);
  });
});
