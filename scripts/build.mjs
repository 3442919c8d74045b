// Bundles the Lambda handler and the CLI with esbuild, then packs dist/macro.zip (index.js at its root).
// Reproducible: the same sources give byte-identical files (esbuild is deterministic; the zip, written by
// fflate, has a fixed timestamp, mode and entry order). `--outdir DIR` builds elsewhere (tests compare two
// builds). The "written" line goes to stderr, never stdout, so that `npm run -s preview > out.yaml`
// holds the template alone.
import { build } from "esbuild";
import { zipSync } from "fflate";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
// The CLI is the package's `bin`: a script with a shebang, executable, and no runtime dependency
// (the offline preview never loads the AWS SDK; the package test checks it has no require of one).
await build({ ...common, entryPoints: [join(root, "src/cli/index.ts")], outfile: join(dist, "cli.js"), banner: { js: "#!/usr/bin/env node" } });
chmodSync(join(dist, "cli.js"), 0o755);

/**
 * A reproducible zip: entries sorted by name, each dated 1980-01-01 00:00 (the zip epoch; a local-time
 * Date, since zip times are local), made by Unix with mode 0644, no extra fields.
 */
function reproducibleZip(files) {
  const entries = {};
  for (const { name, data } of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    entries[name] = [data, { mtime: new Date(1980, 0, 1, 0, 0, 0), os: 3, attrs: (0o100644 << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(entries, { level: 9 }));
}

const bundle = readFileSync(join(dist, "index.js"));
writeFileSync(join(dist, "macro.zip"), reproducibleZip([{ name: "index.js", data: bundle }]));
console.error(`${dist}/index.js ${bundle.length} bytes; ${dist}/macro.zip written`);
