#!/usr/bin/env bash
# Builds Datadog's reference macro (the `serverless/` folder of DataDog/datadog-cloudformation-macro) so that
# `npm run bench` can measure it side by side with ours. It fetches no source by itself: give it a checkout.
#   scripts/reference-macro.sh <path to its serverless/ folder> [output folder, default /tmp/ddsm-reference]
#   REFERENCE_MACRO=<output folder>/dist/index.js npm run bench
# The output folder must lie outside this repository: nothing of the reference enters our tree.
# Its runtime dependencies are installed there with npm (the AWS SDK stays a require, as the Lambda Node.js
# runtime provides it); its sources are bundled with our esbuild into one file, as ours are.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source_dir="${1:?usage: scripts/reference-macro.sh <reference serverless/ folder> [output folder]}"
out="${2:-/tmp/ddsm-reference}"
[ -f "$source_dir/src/index.ts" ] && [ -f "$source_dir/package.json" ] || { echo "no src/index.ts and package.json in $source_dir" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$out/" in "$here"/*) echo "the output folder must be outside $here" >&2; exit 1 ;; esac

rm -rf "$out/src" "$out/dist"
cp -R "$source_dir/src" "$out/src"
# Its runtime dependencies alone: npm would otherwise resolve its development tree too.
node -e '
  const [from, to] = process.argv.slice(1);
  const { name, version, dependencies } = JSON.parse(require("fs").readFileSync(from, "utf8"));
  require("fs").writeFileSync(to, JSON.stringify({ name, version, private: true, dependencies }, null, 2));
' "$source_dir/package.json" "$out/package.json"
(cd "$out" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock --loglevel=error)
node -e '
  const [esbuild, entry, outfile] = process.argv.slice(1);
  require(esbuild).build({
    entryPoints: [entry], outfile, bundle: true, platform: "node", target: "node20", format: "cjs",
    minify: true, legalComments: "none", logLevel: "warning", external: ["@aws-sdk/*"],
  }).catch(() => process.exit(1));
' "$here/node_modules/esbuild" "$out/src/index.ts" "$out/dist/index.js"
version="$(node -p 'require(process.argv[1]).version' "$out/package.json")"
echo "reference macro $version built: REFERENCE_MACRO=$out/dist/index.js" >&2
