// Benchmarks (numbers, never assertions in tests): transform time of a generated 500-function
// template through the built Lambda bundle, and the bundle's size.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

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

const event = {
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
  fragment: generatedTemplate(500),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// CloudFormation sends a freshly parsed event per call (the handler edits it in place), so each run
// gets its own copy, made before the clock starts.
const eventText = JSON.stringify(event);

for (let i = 0; i < 20; i++) await handler(JSON.parse(eventText)); // warm up the JIT
const times = [];
for (let i = 0; i < 200; i++) {
  const fresh = JSON.parse(eventText);
  const start = process.hrtime.bigint();
  const response = await handler(fresh);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (response.status !== "success") throw new Error(response.errorMessage);
}
const bundle = statSync(join(root, "dist/index.js")).size;
const zip = statSync(join(root, "dist/macro.zip")).size;
console.log(`transform, 500 functions: median ${median(times).toFixed(2)} ms, min ${Math.min(...times).toFixed(2)} ms over ${times.length} runs (target < 2 ms)`);
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
