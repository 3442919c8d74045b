// Minimal jest transformer: strips TypeScript with esbuild so tests start fast.
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const out = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      sourcefile: filename,
    });
    return { code: out.code };
  },
};
