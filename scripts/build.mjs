// Bundles the Lambda handler and the CLI with esbuild, then packs dist/macro.zip (index.js at its root).
// Reproducible: the same sources give byte-identical files (esbuild is deterministic; the zip has fixed
// timestamps and order). `--outdir DIR` builds elsewhere (tests compare two builds).
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zip } from "./zip.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdirFlag = process.argv.indexOf("--outdir");
const dist = outdirFlag > 0 ? process.argv[outdirFlag + 1] : join(root, "dist");
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  legalComments: "none",
  logLevel: "warning",
  // The Lambda Node.js runtime ships AWS SDK v3; never bundle it.
  external: ["@aws-sdk/*"],
};

await build({ ...common, entryPoints: [join(root, "src/index.ts")], outfile: join(dist, "index.js"), minify: true });
await build({ ...common, entryPoints: [join(root, "src/cli/index.ts")], outfile: join(dist, "cli.js") });

const bundle = readFileSync(join(dist, "index.js"));
writeFileSync(join(dist, "macro.zip"), zip([{ name: "index.js", data: bundle }]));
console.log(`${dist}/index.js ${bundle.length} bytes; ${dist}/macro.zip written`);
