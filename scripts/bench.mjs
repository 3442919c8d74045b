// Benchmarks (numbers, never assertions in tests), through the built Lambda bundle:
//  - handler time for a generated 500-function template, and how it scales from 50 to 2000 functions,
//    each next to the floor every implementation pays: JSON.stringify of the same fragment;
//  - the memory one transform allocates;
//  - the bundle's size, and its module load in a bare node process.
// Handler time only: Lambda parses the event before it calls the handler, so each run parses its own
// copy of the event text before the clock starts (the handler edits the event in place).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { GCProfiler } from "node:v8";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.env.LOG_LEVEL = "error"; // keep the per-call summary lines out of the measurement
const { handler } = createRequire(import.meta.url)(join(root, "dist/index.js"));

const RUNTIMES = ["python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java21", "dotnet8", "ruby3.3", "provided.al2023"];

function generatedTemplate(count) {
  const resources = {};
  for (let r = 0; r < 10; r++) {
    resources[`Role${r}`] = { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [] } } };
  }
  for (let i = 0; i < count; i++) {
    resources[`Function${i}`] = {
      Type: "AWS::Lambda::Function",
      Properties: {
        Runtime: RUNTIMES[i % RUNTIMES.length],
        Handler: "app.handler",
        Role: { "Fn::GetAtt": [`Role${i % 10}`, "Arn"] },
        Code: { S3Bucket: "bucket", S3Key: `f${i}.zip` },
        Architectures: [i % 2 ? "arm64" : "x86_64"],
        Environment: { Variables: { TABLE: `table-${i}`, DD_SERVICE: i % 5 ? undefined : "pinned" } },
        Tags: [{ Key: "team", Value: "bench" }],
        Layers: i % 3 ? [] : ["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"],
      },
    };
  }
  return JSON.parse(JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }));
}

/** The macro event CloudFormation sends, as the text Lambda parses. */
function eventText(count) {
  return JSON.stringify({
    requestId: "bench",
    region: "us-east-1",
    accountId: "123456789012",
    transformId: "123456789012::DatadogServerless",
    templateParameterValues: {},
    params: {
      pythonLayerVersion: 104, nodeLayerVersion: 120, javaLayerVersion: 21, dotnetLayerVersion: 19, rubyLayerVersion: 25,
      extensionLayerVersion: 78, apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey",
      enableXrayTracing: true, service: "bench", env: "prod", tags: "team:a,cost:b",
    },
    fragment: generatedTemplate(count),
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(2)} ms`;

async function runHandler(event) {
  const start = process.hrtime.bigint();
  const response = await handler(event);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (response.status !== "success") throw new Error(response.errorMessage);
  return elapsed;
}

function runFloor(event) {
  const start = process.hrtime.bigint();
  const text = JSON.stringify(event.fragment);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (text.length === 0) throw new Error("empty");
  return elapsed;
}

/** Median handler time and median floor time over `runs` interleaved runs, after `warmup` of each. */
async function measure(text, runs, warmup) {
  for (let i = 0; i < warmup; i++) {
    await runHandler(JSON.parse(text));
    runFloor(JSON.parse(text));
  }
  const handlerTimes = [];
  const floorTimes = [];
  for (let i = 0; i < runs; i++) {
    handlerTimes.push(await runHandler(JSON.parse(text)));
    floorTimes.push(runFloor(JSON.parse(text)));
  }
  return { handler: median(handlerTimes), floor: median(floorTimes), min: Math.min(...handlerTimes), runs };
}

/**
 * Bytes allocated per transform: heap used after minus before, plus what each garbage collection in
 * between freed (reported by V8's GC profiler), over `runs` transforms of events parsed beforehand.
 */
async function allocationPerTransform(text, runs) {
  const events = Array.from({ length: runs }, () => JSON.parse(text));
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  for (const event of events) await handler(event);
  const after = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  const freed = statistics.reduce((sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize, 0);
  return (after - before + freed) / runs;
}

const main = eventText(500);
const result = await measure(main, 200, 30);
console.log(
  `handler, 500 functions: median ${ms(result.handler)} (min ${ms(result.min)}) over ${result.runs} runs; ` +
    `JSON.stringify of the fragment: median ${ms(result.floor)}; handler/floor ${(result.handler / result.floor).toFixed(1)}x (target handler < 2 ms)`,
);
const allocated = await allocationPerTransform(main, 20);
console.log(`allocated per transform, 500 functions: ${(allocated / 1024 / 1024).toFixed(2)} MB (event text ${(main.length / 1024 / 1024).toFixed(2)} MB)`);

console.log("scaling (median handler time, median JSON.stringify of the fragment, ratio):");
for (const [count, runs, warmup] of [[50, 300, 50], [200, 200, 30], [500, 200, 30], [1000, 120, 20], [2000, 100, 10]]) {
  const { handler: time, floor, runs: done } = count === 500 ? result : await measure(eventText(count), runs, warmup);
  console.log(`  ${String(count).padStart(4)} functions: handler ${ms(time).padStart(9)}, floor ${ms(floor).padStart(8)}, ${(time / floor).toFixed(1).padStart(5)}x, ${(time / count * 1000).toFixed(1)} µs/function (${done} runs)`);
}

const bundle = statSync(join(root, "dist/index.js")).size;
const zip = statSync(join(root, "dist/macro.zip")).size;
console.log(`dist/index.js: ${(bundle / 1024).toFixed(1)} KB (target < 150 KB); dist/macro.zip: ${(zip / 1024).toFixed(1)} KB`);

// Module load in a bare node process, as Lambda does on a cold start: index.js alone in an empty folder
// (the zip holds exactly this file; test/integration/artifact.test.ts checks the zip itself).
const bare = mkdtempSync(join(tmpdir(), "ddsm-load-"));
copyFileSync(join(root, "dist/index.js"), join(bare, "index.js"));
const loads = [];
for (let i = 0; i < 21; i++) {
  const run = spawnSync(process.execPath, ["-e", "const t=process.hrtime.bigint();require('./index.js');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))"], { cwd: bare, encoding: "utf8", env: { PATH: process.env.PATH } });
  loads.push(Number(run.stdout));
}
console.log(`module load in a bare node: median ${median(loads).toFixed(2)} ms over ${loads.length} processes (target < 15 ms)`);
