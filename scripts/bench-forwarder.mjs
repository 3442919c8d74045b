// Benchmark of the forwarder lookups against moto_server on 127.0.0.1 (numbers, never assertions).
// Each case is a 160-function template (with a group and a filter each, 480 resources: within
// CloudFormation's 500), measured once when no log group exists yet (first deploy) and
// once when every function's group exists (created as CloudFormation would name it):
//  - named: FunctionName bench-stack-function-<i>, names sharing the stack prefix;
//  - named without dashes: FunctionName OrdersFn<i>;
//  - generated: logical ids OrdersFn1..OrdersFn160, no FunctionName, stack "orders" (groups
//    /aws/lambda/orders-OrdersFn<i>-ABCDEFGHIJKL).
// Prints the AWS calls by operation, the most lookups in flight at once, and the wall time.
// Then, behind a proxy that throttles at THROTTLED_RATE calls a second (test/helpers/throttle-proxy.ts,
// as a busy account's shared Describe* quota would), a redeploy of 150 and of 500 named functions whose
// groups exist: the calls, the throttled answers and the time. 500 functions end in E104 (their filters
// would take the template past 500 resources), a check made after the lookups, which are what is measured.
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
  stdin: {
    contents: 'export { transformWithLookups } from "./src/transform"; export { cloudWatchAccountView } from "./src/lookup/cloudwatch"; export { startThrottleProxy } from "./test/helpers/throttle-proxy";',
    resolveDir: root,
    loader: "ts",
  },
  bundle: true, platform: "node", format: "cjs", outfile: join(out, "forwarder.js"), external: ["@aws-sdk/*"], logLevel: "warning",
});
const { transformWithLookups, cloudWatchAccountView, startThrottleProxy } = createRequire(import.meta.url)(join(out, "forwarder.js"));

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

const COUNT = 160;
const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder";
const fn = (functionName) => ({
  Type: "AWS::Lambda::Function",
  Properties: { ...(functionName ? { FunctionName: functionName } : {}), Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::123456789012:role/r", Code: { ZipFile: "x" } },
});
const indexes = Array.from({ length: COUNT }, (_, i) => i + 1);
const CASES = [
  {
    label: `${COUNT} named functions (bench-stack-function-<i>)`,
    fragment: () => ({ Resources: Object.fromEntries(indexes.map((i) => [`Function${i}`, fn(`bench-stack-function-${i}`)])) }),
    params: { addLayers: false, forwarderArn: FORWARDER },
    groups: indexes.map((i) => `/aws/lambda/bench-stack-function-${i}`),
  },
  {
    label: `${COUNT} functions named OrdersFn<i> (no dash)`,
    fragment: () => ({ Resources: Object.fromEntries(indexes.map((i) => [`OrdersFn${i}`, fn(`OrdersFn${i}`)])) }),
    params: { addLayers: false, forwarderArn: FORWARDER },
    groups: indexes.map((i) => `/aws/lambda/OrdersFn${i}`),
  },
  {
    label: `${COUNT} functions OrdersFn<i> without FunctionName, stack "orders"`,
    fragment: () => ({ Resources: Object.fromEntries(indexes.map((i) => [`OrdersFn${i}`, fn()])) }),
    params: { addLayers: false, forwarderArn: FORWARDER, stackName: "orders" },
    // CloudFormation's name: <stack>-<logical id>-<12 or 13 letters and digits>.
    groups: indexes.map((i) => `/aws/lambda/orders-OrdersFn${i}-ABCDEFGHIJKL`),
  },
];

async function measure(benchCase, state, target = endpoint) {
  const calls = {};
  let retries = 0;
  let filterTime = 0;
  let inFlight = 0;
  let most = 0;
  const base = cloudWatchAccountView({
    region: "us-east-1", endpoint: target,
    onCall: (op) => (calls[op] = (calls[op] ?? 0) + 1),
    onRetry: () => retries++,
  });
  const track = async (work) => {
    most = Math.max(most, ++inFlight);
    try { return await work(); } finally { inFlight--; }
  };
  const view = {
    logGroupNames: (prefix) => track(() => base.logGroupNames(prefix)),
    subscriptionFilters: (name) => track(async () => {
      const start = performance.now();
      try { return await base.subscriptionFilters(name); } finally { filterTime += performance.now() - start; }
    }),
  };
  const start = performance.now();
  const outcome = await transformWithLookups(
    { fragment: benchCase.fragment(), params: benchCase.params, region: "us-east-1", accountId: "123456789012", templateParameterValues: {}, env: {}, macroVersion: "bench" },
    () => view,
  );
  const wall = performance.now() - start;
  const failed = outcome.errors.map((error) => /^\[?(E\d+)/.exec(error)?.[1] ?? error).join(", ");
  if (!outcome.ok && !benchCase.fails?.test(failed)) throw new Error(outcome.errors.join("\n"));
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const detail = Object.entries(calls).map(([op, n]) => `${op} ${n}`).join(", ");
  const filters = calls.DescribeSubscriptionFilters ? `; filter lookups: sum of durations ${filterTime.toFixed(0)} ms, run concurrently` : "";
  console.log(`forwarder, ${benchCase.label}, ${state}: ${total} AWS calls (${detail}${retries ? `, ${retries} retries` : ""}), at most ${most} lookups at once, wall ${wall.toFixed(0)} ms${filters}${outcome.ok ? "" : `; then ${failed}, as expected`}`);
}

const logs = (target, body) => fetch(endpoint, {
  method: "POST",
  headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `Logs_20140328.${target}`, Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0" },
  body: JSON.stringify(body),
});
for (const benchCase of CASES) {
  await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  await measure(benchCase, "no log group exists (first deploy)");
  for (const name of benchCase.groups) await logs("CreateLogGroup", { logGroupName: name });
  await measure(benchCase, "every log group exists");
}

const THROTTLED_RATE = 5;
const named = (count) => {
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  return {
    label: `${count} named functions (throttled-function-<i>), redeploy`,
    fragment: () => ({ Resources: Object.fromEntries(numbers.map((i) => [`Function${i}`, fn(`throttled-function-${i}`)])) }),
    params: { addLayers: false, forwarderArn: FORWARDER },
    groups: numbers.map((i) => `/aws/lambda/throttled-function-${i}`),
    fails: count * 2 > 500 ? /^E104$/ : undefined,
  };
};
for (const benchCase of [named(150), named(500)]) {
  await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  for (const name of benchCase.groups) await logs("CreateLogGroup", { logGroupName: name });
  const proxy = await startThrottleProxy(endpoint, THROTTLED_RATE);
  await measure(benchCase, `every log group exists, throttled at ${THROTTLED_RATE} calls/s`, proxy.endpoint);
  console.log(`  proxy: ${proxy.counts.forwarded} forwarded, ${proxy.counts.throttled} throttled`);
  await proxy.stop();
}
moto.kill();
