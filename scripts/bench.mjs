// Benchmarks (numbers, never assertions in tests), through the built Lambda bundle, for generated templates
// of 50, 500 and 2,000 functions, each beside the floor every implementation pays (JSON.stringify of the
// same fragment):
//  - the cold invocation, as a macro's Lambda function nearly always is: a fresh node process loads the
//    bundle and calls the handler once (module load + first transform), median of 7 processes;
//  - the first transform alone (in those processes), beside the first JSON.stringify of a fresh process;
//  - the warm median, in one process after warm-up;
// then the memory one transform allocates and the bundle's size.
// With REFERENCE_MACRO=<path of the reference macro's built handler> (scripts/reference-macro.sh builds
// Datadog's, v0.29.0), the same templates go through it too, in its parameter shape (the same names; the
// forwarder off, so it calls no AWS API), and each measure gets the ratio ours/reference.
// Handler time only: Lambda parses the event before it calls the handler, so each run parses its own
// copy of the event text before the clock starts (the handlers edit the event in place).
// Every measure runs in child processes (this script with --child), so no macro warms the other.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { GCProfiler } from "node:v8";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const COUNTS = [50, 500, 2000];
const COLD_PROCESSES = 7;
const WARM = { 50: { runs: 300, warmup: 50 }, 500: { runs: 150, warmup: 30 }, 2000: { runs: 60, warmup: 10 } };

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

/** The macro event CloudFormation sends, as the text Lambda parses. Both macros read these parameter names. */
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
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function runHandler(handler, event) {
  const start = now();
  const response = await handler(event, {});
  const elapsed = now() - start;
  // 2,000 functions take ours past CloudFormation's 1 MB template limit (E105), found after all the work.
  if (response.status !== "success" && !response.errorMessage.includes("[E105]")) throw new Error(`transform failed: ${response.errorMessage}`);
  return elapsed;
}

function runFloor(event) {
  const start = now();
  const text = JSON.stringify(event.fragment);
  const elapsed = now() - start;
  if (text.length === 0) throw new Error("empty");
  return elapsed;
}

/**
 * Child process: `--child cold|warm <handler path> <count>`; prints one JSON line. Logging is silenced in
 * both macros (ours through LOG_LEVEL, the reference's console logger by stubbing the console), so that
 * neither pays for writing its logs here.
 */
async function child(mode, handlerPath, count) {
  const text = eventText(Number(count));
  for (const method of ["log", "info", "debug", "warn", "trace"]) console[method] = () => {};
  const require = createRequire(import.meta.url);
  if (mode === "cold") {
    const floor = runFloor(JSON.parse(text)); // the first JSON.stringify of the process
    const event = JSON.parse(text);
    const start = now();
    const { handler } = require(handlerPath);
    const loaded = now();
    const first = await runHandler(handler, event);
    return { load: loaded - start, first, cold: loaded - start + first, floor };
  }
  const { handler } = require(handlerPath);
  const { runs, warmup } = WARM[count];
  for (let i = 0; i < warmup; i++) {
    await runHandler(handler, JSON.parse(text));
    runFloor(JSON.parse(text));
  }
  const handlerTimes = [];
  const floorTimes = [];
  for (let i = 0; i < runs; i++) {
    handlerTimes.push(await runHandler(handler, JSON.parse(text)));
    floorTimes.push(runFloor(JSON.parse(text)));
  }
  return { warm: median(handlerTimes), warmFloor: median(floorTimes), runs };
}

function spawnChild(mode, handlerPath, count) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, handlerPath, String(count)], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOG_LEVEL: "error" },
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${mode} child for ${handlerPath} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop());
}

/** Cold numbers: medians over fresh processes, each measure's median taken on its own. */
function coldMedians(handlerPath, count) {
  const samples = Array.from({ length: COLD_PROCESSES }, () => spawnChild("cold", handlerPath, count));
  const of = (key) => median(samples.map((sample) => sample[key]));
  return { load: of("load"), first: of("first"), cold: of("cold"), floor: of("floor") };
}

function measureMacro(handlerPath) {
  const byCount = {};
  for (const count of COUNTS) byCount[count] = { ...coldMedians(handlerPath, count), ...spawnChild("warm", handlerPath, count) };
  return byCount;
}

/**
 * Bytes allocated per transform: heap used after minus before, plus what each garbage collection in
 * between freed (reported by V8's GC profiler), over `runs` transforms of events parsed beforehand.
 */
async function allocationPerTransform(handler, text, runs) {
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

function printTable(ours, reference) {
  const ratio = (a, b) => (reference ? `${(a / b).toFixed(2)}x`.padStart(7) : "");
  const header = reference ? "ours / reference / ours÷reference" : "ours";
  console.log(`(median ms; floor = JSON.stringify of the fragment, first call of a fresh process for the cold rows; columns: ${header})`);
  for (const count of COUNTS) {
    const o = ours[count];
    const r = reference?.[count];
    const cell = (key) => (r ? `${ms(o[key]).padStart(10)} ${ms(r[key]).padStart(10)} ${ratio(o[key], r[key])}` : ms(o[key]).padStart(10));
    console.log(`  ${String(count).padStart(4)} functions${count === 2000 ? " (ours ends in E105, template over 1 MB, after all the work)" : ""}`);
    console.log(`    cold invocation (load + first) ${cell("cold")}   floor ${ms(o.floor).padStart(8)}`);
    console.log(`      module load                  ${cell("load")}`);
    console.log(`      first transform              ${cell("first")}   ${(o.first / o.floor).toFixed(1)}x the first floor`);
    console.log(`    warm transform                 ${cell("warm")}   floor ${ms(o.warmFloor).padStart(8)}, ${(o.warm / o.warmFloor).toFixed(1)}x the floor (${o.runs} runs)`);
  }
}

if (process.argv[2] === "--child") {
  process.stdout.write(`${JSON.stringify(await child(process.argv[3], process.argv[4], process.argv[5]))}\n`);
} else {
  // Ours from a bare folder, as Lambda loads it: the zip holds index.js alone
  // (test/integration/artifact.test.ts checks the zip itself).
  const bare = mkdtempSync(join(tmpdir(), "ddsm-load-"));
  copyFileSync(join(root, "dist/index.js"), join(bare, "index.js"));
  const ours = measureMacro(join(bare, "index.js"));
  const referencePath = process.env.REFERENCE_MACRO ? resolve(process.env.REFERENCE_MACRO) : undefined;
  let reference;
  if (!referencePath) console.log("reference macro: not compared (set REFERENCE_MACRO to the handler scripts/reference-macro.sh builds)");
  else if (!existsSync(referencePath)) console.log(`reference macro: not compared (${referencePath} is not built; see scripts/reference-macro.sh)`);
  else reference = measureMacro(referencePath);
  printTable(ours, reference);
  // The parameters pin layer versions, which ours checks (lambda:GetLayerVersion) before it writes them.
  console.log(
    "note: ours checks the pinned layer versions through @aws-sdk/client-lambda; loaded from a bare folder it finds no SDK, " +
      "so it warns (W223) without a call. In Lambda a cold invocation also pays the SDK's load and one GetLayerVersion a version.",
  );

  process.env.LOG_LEVEL = "error";
  const { handler } = createRequire(import.meta.url)(join(bare, "index.js"));
  const allocated = await allocationPerTransform(handler, eventText(500), 20);
  console.log(`allocated per transform, 500 functions: ${(allocated / 1024 / 1024).toFixed(2)} MB (event text ${(eventText(500).length / 1024 / 1024).toFixed(2)} MB)`);
  const bundle = statSync(join(root, "dist/index.js")).size;
  const zip = statSync(join(root, "dist/macro.zip")).size;
  console.log(`dist/index.js: ${(bundle / 1024).toFixed(1)} KB (target < 150 KB); dist/macro.zip: ${(zip / 1024).toFixed(1)} KB`);
}
