// Minimal jest transformer: strips TypeScript with esbuild so tests start fast.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { transformSync } = require("esbuild");

const SELF = readFileSync(__filename);

module.exports = {
  // Cached transforms are keyed on this file too, so changing the options below takes effect.
  getCacheKey(source, filename) {
    return createHash("sha256").update(SELF).update(filename).update(source).digest("hex");
  },
  process(source, filename) {
    const out = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      sourcefile: filename,
      // jest runs modules without ESM support: lazy import() becomes a lazy require().
      supported: { "dynamic-import": false },
    });
    return { code: out.code };
  },
};
