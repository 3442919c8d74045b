// Test order for jest (jest.config.js `testSequencer`): the long suites first, so that the short ones fill
// the other workers around them instead of a long suite starting last and running alone at the end.
// jest's own order (last run's durations, else file size) is kept for the rest; a suite listed below is
// taken as at least as long as said, since its last duration can mislead (cfn-lint findings kept from an
// earlier run make it short, a change in src/ makes it long again; a new suite has no duration at all).
const Sequencer = require("@jest/test-sequencer").default;

/** Suites known to be long, by path inside the repository (a folder ends with "/"), with a floor in ms. */
const LONG = [
  ["test/integration/cfn-lint.test.ts", 150_000],
  ["test/integration/install-one-command.test.ts", 75_000],
  ["test/integration/install-bucket-ownership.test.ts", 40_000],
  ["test/integration/scripts.test.ts", 35_000],
  ["test/integration/sam-translator.test.ts", 40_000],
  ["test/fuzz/", 30_000],
  ["test/integration/golden-lint.test.ts", 15_000],
  ["test/property/", 10_000],
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = (test) => {
      const relative = test.path.slice(test.context.config.rootDir.length + 1).split("\\").join("/");
      const floor = LONG.find(([where]) => (where.endsWith("/") ? relative.startsWith(where) : relative === where))?.[1] ?? 0;
      return Math.max(floor, this.time(test) ?? 0);
    };
    const byDefault = new Map(super.sort([...tests]).map((test, index) => [test, index]));
    const estimates = new Map(tests.map((test) => [test, estimate(test)]));
    return [...tests].sort((a, b) => estimates.get(b) - estimates.get(a) || byDefault.get(a) - byDefault.get(b));
  }
}

module.exports = LongestFirst;
