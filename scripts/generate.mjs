// Writes the files generated from the tables: README.md's parameter, runtime, troubleshooting and recommended monitor tables, and template.yml.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({
  stdin: { contents: 'export { withParameterTable } from "./src/config/docs"; export { withRulesTable } from "./src/rules/docs"; export { withRuntimeTable } from "./src/runtime-docs"; export { renderMacroStack } from "./src/stack/render"; export { withMonitorTable } from "./src/monitors/docs";', resolveDir: root, loader: "ts" },
  bundle: true, platform: "node", format: "cjs", write: false, logLevel: "warning",
});
const module = { exports: {} };
new Function("module", "exports", "require", out.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
const { withParameterTable, withRulesTable, withRuntimeTable, withMonitorTable, renderMacroStack } = module.exports;
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const readmePath = join(root, "README.md");
writeFileSync(readmePath, withMonitorTable(withRuntimeTable(withRulesTable(withParameterTable(readFileSync(readmePath, "utf8"))))));
writeFileSync(join(root, "template.yml"), renderMacroStack(version));
console.log("README.md parameter, runtime, troubleshooting and recommended monitor tables, and template.yml, regenerated");
