// Rewrites README.md's parameter table from src/config/parameters.ts (the single source).
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({ entryPoints: [join(root, "src/config/docs.ts")], bundle: true, platform: "node", format: "cjs", write: false });
const module = { exports: {} };
new Function("module", "exports", "require", out.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
const readmePath = join(root, "README.md");
writeFileSync(readmePath, module.exports.withParameterTable(readFileSync(readmePath, "utf8")));
console.log("README.md parameter table updated");
