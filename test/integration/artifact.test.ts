/**
 * The artifact really runs: dist/macro.zip, built here twice (it must be byte-identical), unpacked into
 * an empty folder and loaded by a bare `node` (no node_modules, no repository on the module path), then
 * invoked with a recorded macro event.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { version } from "../../package.json";
import { unzip } from "../helpers/unzip";

const ROOT = join(__dirname, "../..");
const EVENT = readFileSync(join(__dirname, "../fixtures/macro-event.json"), "utf8");

function build(): Buffer {
  const outdir = mkdtempSync(join(tmpdir(), "ddsm-build-"));
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--outdir", outdir], { stdio: "ignore" });
  return readFileSync(join(outdir, "macro.zip"));
}

describe("dist/macro.zip", () => {
  let zip: Buffer;
  beforeAll(() => {
    zip = build();
  }, 60_000);

  test("is reproducible: two builds of the same sources are byte-identical", () => {
    const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
    expect(sha(build())).toBe(sha(zip));
  }, 60_000);

  test("holds index.js alone, at its root, small", () => {
    const entries = unzip(zip);
    expect(entries.map((entry) => entry.name)).toEqual(["index.js"]);
    expect(entries[0].mode & 0o777).toBe(0o644);
    expect(zip.length).toBeLessThan(150 * 1024);
  });

  test("runs in a bare node process: index.handler answers a recorded macro event", () => {
    const dir = mkdtempSync(join(tmpdir(), "ddsm-artifact-"));
    for (const entry of unzip(zip)) writeFileSync(join(dir, entry.name), entry.data);
    expect(readdirSync(dir)).toEqual(["index.js"]);
    const script = [
      "const start = process.hrtime.bigint();",
      "const { handler } = require('./index.js');",
      "const loadMs = Number(process.hrtime.bigint() - start) / 1e6;",
      "let input = ''; process.stdin.on('data', (c) => (input += c));",
      "process.stdin.on('end', async () => process.stdout.write('\\n' + JSON.stringify({ loadMs, response: await handler(JSON.parse(input)) })));",
    ].join("\n");
    const result = spawnSync(process.execPath, ["-e", script], {
      cwd: dir,
      input: EVENT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const { loadMs, response } = JSON.parse(lines[lines.length - 1]);
    // The macro's own log lines come first, as JSON: without the AWS SDK (the Lambda runtime provides
    // it) the pinned layer versions cannot be checked, which warns (W223) and does not fail.
    const logged = lines.slice(0, -1).filter((line) => line !== "").map((line) => JSON.parse(line));
    expect(logged[logged.length - 1]).toMatchObject({ level: "info", message: "transform succeeded", version, instrumented: 2 });
    const unchecked = logged.filter((line) => line.level === "warn" && /^\[W223\]/.test(line.message));
    expect(unchecked.map((line) => /from `(\w+)`/.exec(line.message)![1]).sort()).toEqual(["extensionLayerVersion", "extensionLayerVersion", "nodeLayerVersion", "pythonLayerVersion"]); // the extension for arm64 and x86_64
    expect(response.status).toBe("success");
    expect(response.requestId).toBe("5a2e1c3d-8f4b-4b7a-9e21-0c6d3f2a1b9e");
    const create = response.fragment.Resources.CreateOrderFunction.Properties;
    expect(create.Layers).toEqual([
      "arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312-ARM:104",
      "arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension-ARM:78",
    ]);
    expect(create.Tags).toContainEqual({ Key: "dd_sls_macro", Value: `v${version}` });
    expect(create.Environment.Variables).toMatchObject({ STAGE: { Ref: "Stage" }, DD_ENV: "prod", DD_LAMBDA_HANDLER: "app.handler" });
    expect(typeof loadMs).toBe("number"); // measured and reported by `npm run bench`, not asserted
  });
});
