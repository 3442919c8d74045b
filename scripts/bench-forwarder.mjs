// Benchmark of the forwarder lookups against moto_server on 127.0.0.1: 200 named functions whose names
// share the stack prefix, once when no log group exists yet and once when all exist. Counts AWS calls
// and wall time, and compares the filter lookups' wall time with the sum of their durations.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (spawnSync("moto_server", ["--help"]).error) {
  console.log("forwarder bench skipped: moto_server is not installed (pip install 'moto[server]')");
  process.exit(0);
}

const out = join(root, ".bench");
mkdirSync(out, { recursive: true });
await build({
  stdin: { contents: 'export { transformWithLookups } from "./src/transform"; export { cloudWatchAccountView } from "./src/lookup/cloudwatch";', resolveDir: root, loader: "ts" },
  bundle: true, platform: "node", format: "cjs", outfile: join(out, "forwarder.js"), external: ["@aws-sdk/*"], logLevel: "warning",
});
const { transformWithLookups, cloudWatchAccountView } = createRequire(import.meta.url)(join(out, "forwarder.js"));

const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
process.on("exit", () => moto.kill());
for (let i = 0; ; i++) {
  try { if ((await fetch(endpoint)).ok) break; } catch {}
  if (i > 150) throw new Error("moto_server did not start");
  await new Promise((r) => setTimeout(r, 200));
}
process.env.AWS_ACCESS_KEY_ID = "test";
process.env.AWS_SECRET_ACCESS_KEY = "test";

const COUNT = 200;
const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder";
const names = Array.from({ length: COUNT }, (_, i) => `bench-stack-function-${i}`);
const fragment = () => ({
  Resources: Object.fromEntries(names.map((name, i) => [`Function${i}`, {
    Type: "AWS::Lambda::Function",
    Properties: { FunctionName: name, Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::123456789012:role/r", Code: { ZipFile: "x" } },
  }])),
});

async function measure(label) {
  const calls = {};
  let filterTime = 0;
  const base = cloudWatchAccountView({ region: "us-east-1", endpoint, onCall: (op) => (calls[op] = (calls[op] ?? 0) + 1) });
  const view = {
    logGroupNames: (prefix) => base.logGroupNames(prefix),
    async subscriptionFilters(name) {
      const start = performance.now();
      try { return await base.subscriptionFilters(name); } finally { filterTime += performance.now() - start; }
    },
  };
  const start = performance.now();
  const outcome = await transformWithLookups(
    { fragment: fragment(), params: { addLayers: false, forwarderArn: FORWARDER }, region: "us-east-1", accountId: "123456789012", templateParameterValues: {}, env: {}, macroVersion: "bench" },
    () => view,
  );
  const wall = performance.now() - start;
  if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const detail = Object.entries(calls).map(([op, n]) => `${op} ${n}`).join(", ");
  const filters = calls.DescribeSubscriptionFilters ? `; filter lookups: sum of durations ${filterTime.toFixed(0)} ms, run concurrently` : "";
  console.log(`forwarder, ${COUNT} named functions, ${label}: ${total} AWS calls (${detail}), wall ${wall.toFixed(0)} ms${filters}`);
}

await measure("no log group exists (first deploy)");
const logs = (target, body) => fetch(endpoint, {
  method: "POST",
  headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `Logs_20140328.${target}`, Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0" },
  body: JSON.stringify(body),
});
for (const name of names) await logs("CreateLogGroup", { logGroupName: `/aws/lambda/${name}` });
await measure("every log group exists");
moto.kill();
