// Longer fuzz campaigns: `node scripts/fuzz.mjs --seed N --cases M` (npm run fuzz -- --seed N --cases M).
// Bundles test/fuzz/campaign.ts with esbuild into a temporary file, runs it, and removes the file. Each new
// failing case is minimised and written to test/fuzz/cases/ (see test/fuzz/README.md). Exit code 1 when a
// promise broke in a way test/fuzz/known-failures.json does not explain, 2 on bad arguments.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "dd-macro-fuzz-"));
const outfile = join(dir, "campaign.cjs");
let code = 1;
try {
  await build({
    entryPoints: [join(root, "test/fuzz/campaign.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "inline",
    logLevel: "warning",
    // The AWS SDK stays out: the offline account view never loads it.
    external: ["@aws-sdk/*"],
  });
  const require = createRequire(join(root, "package.json"));
  const { main } = require(outfile);
  code = await main(process.argv.slice(2), root);
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = code;
