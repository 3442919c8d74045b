/** Jest runs TypeScript through esbuild (fast, no type checking: `npm run typecheck` does that). */
const os = require("node:os");

/**
 * At least two workers, even on two cores: the long suites (cfn-lint on the corpus, the SAM translator,
 * the install scripts) mostly wait for child processes, and a second worker runs the other suites
 * meanwhile. Half the cores otherwise, leaving the rest to the cfn-lint processes the corpus suite starts
 * (test/helpers/cfn-lint.ts reads DD_TEST_JEST_WORKERS to size its pool). `--maxWorkers` still overrides.
 */
const maxWorkers = Math.max(2, Math.floor(os.availableParallelism() / 2));
process.env.DD_TEST_JEST_WORKERS ??= String(maxWorkers);

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild.js" },
  testTimeout: 120000,
  maxWorkers,
  // Long suites first (see the file).
  testSequencer: "<rootDir>/test/helpers/sequencer.js",
};
