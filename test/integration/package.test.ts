/**
 * The package as a user gets it: `npm run -s preview > out.yaml` holds the template alone, and the packed
 * package (`npm pack`) installs offline in an empty folder, where `npx datadog-serverless-macro transform`
 * runs. Everything happens in a copy of the repository (its node_modules linked), so the repository's own
 * dist/ is never rebuilt under another test's feet.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { builtinModules } from "node:module";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { MACRO_NAME } from "../../src/version";

const ROOT = join(__dirname, "../..");
/** Not part of the package's sources: what .gitignore lists, and git's own folder. */
const NOT_COPIED = new Set([".git", "node_modules", "dist", "coverage", ".bench"]);
/** What `npm pack` must ship: the CLI, the macro's artifact, the docs and license, nothing else. */
const PACKAGE_FILES = ["LICENSE", "README.md", "dist/cli.js", "dist/macro.zip", "package.json"];

/** npm's settings from an outer `npm test` (npm_config_*, lifecycle variables) stay out: each run sets its own. */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$)/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: "false", npm_config_audit: "false", npm_config_fund: "false" };
}

const npmVersion = spawnSync("npm", ["--version"], { encoding: "utf8" });
const SKIP = npmVersion.error || npmVersion.status !== 0 ? `npm cannot be run here (${npmVersion.error?.message ?? npmVersion.stderr.trim()})` : undefined;
if (SKIP) process.stderr.write(`SKIPPED package tests: ${SKIP}\n`);
const describeNpm = SKIP ? describe.skip : describe;

describeNpm("the package", () => {
  const work = mkdtempSync(join(tmpdir(), "ddsm-package-"));
  const stage = join(work, "repo");
  const cache = join(work, "npm-cache");
  const env = npmEnv(cache);
  const run = (command: string, args: string[], options: SpawnSyncOptions = {}) => {
    const result = spawnSync(command, args, { encoding: "utf8", env, timeout: 120_000, maxBuffer: 16 << 20, ...options });
    return { status: result.status, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? ""), error: result.error };
  };

  let preview: ReturnType<typeof run>;
  beforeAll(() => {
    cpSync(ROOT, stage, { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) || source === ROOT });
    symlinkSync(join(ROOT, "node_modules"), join(stage, "node_modules"), "dir");
    preview = run("npm", ["run", "-s", "preview"], { cwd: stage });
  }, 120_000);
  // The copy's node_modules is a link: rmSync removes the link, never what it points to.
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("`npm run -s preview` prints the template alone on stdout; the build line and notes go to stderr", () => {
    expect(preview.error).toBeUndefined();
    expect(preview.status).toBe(0);
    const template = parseTemplate(preview.stdout) as any;
    expect(Object.keys(template.Resources)).toEqual(expect.arrayContaining(["CreateOrderFunction", "OrderEventsFunction"]));
    expect(template.Resources.OrderEventsFunction.Properties.Layers).toContain("arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Node22-x:120");
    expect(preview.stdout).not.toMatch(/written|^note: |^instrumented /m);
    expect(preview.stderr).toMatch(/dist\/macro\.zip written\n/);
    expect(preview.stderr).toMatch(/^note: .* lists AWS::Serverless-2016-10-31 first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead$/m);
    expect(preview.stderr).toMatch(/instrumented 2 resource\(s\)\n$/);
  });

  describe("packed and installed in an empty folder, offline", () => {
    let packed: { filename: string; files: { path: string; mode: number }[] };
    let app: string;
    beforeAll(() => {
      // The preview above built the copy's dist/; `npm pack` ships it.
      expect(preview.status).toBe(0);
      const pack = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: stage });
      expect(pack.stderr).not.toMatch(/npm (ERR|error)/);
      expect(pack.status).toBe(0);
      [packed] = JSON.parse(pack.stdout);
      app = join(work, "app");
      mkdirSync(app);
      const install = run("npm", ["install", join(work, packed.filename), "--offline", "--no-audit", "--no-fund"], { cwd: app });
      expect(install.stderr).not.toMatch(/npm (ERR|error)/);
      expect(install.status).toBe(0);
    }, 120_000);

    test("the tarball holds only the CLI, the macro's artifact, the README and the license", () => {
      expect(packed.files.map((file) => file.path).sort()).toEqual(PACKAGE_FILES);
      expect(packed.files.find((file) => file.path === "dist/cli.js")!.mode & 0o111).toBe(0o111);
    });

    test("the CLI has no runtime dependency: the package declares none, the bundle requires only Node's modules", () => {
      const installed = join(app, "node_modules", "datadog-serverless-macro");
      const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
      for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"]) expect(manifest[field]).toBeUndefined();
      expect(manifest.bin).toEqual({ "datadog-serverless-macro": "dist/cli.js" });
      expect(readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."))).toEqual(["datadog-serverless-macro"]);
      const cli = readFileSync(join(installed, "dist/cli.js"), "utf8");
      expect(cli.startsWith("#!/usr/bin/env node\n")).toBe(true);
      const required = [...cli.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((match) => match[1]);
      expect(required.length).toBeGreaterThan(0);
      expect(required.filter((name) => !builtinModules.includes(name.replace(/^node:/, "")))).toEqual([]);
      expect(statSync(join(installed, "dist/macro.zip")).size).toBeGreaterThan(0);
    });

    test("`npx datadog-serverless-macro transform` previews a template", () => {
      cpSync(join(ROOT, "examples/sam-app/template.yaml"), join(app, "template.yaml"));
      const result = run("npx", ["--offline", "--no", "datadog-serverless-macro", "transform", "template.yaml", "--region", "eu-west-1"], { cwd: app });
      expect(result.error).toBeUndefined();
      expect(result.stderr).toMatch(/^note: template.yaml lists AWS::Serverless-2016-10-31 first/m);
      expect(result.stderr).toMatch(/instrumented 2 resource\(s\)\n$/);
      expect(result.status).toBe(0);
      const template = parseTemplate(result.stdout) as any;
      const create = template.Resources.CreateOrderFunction.Properties;
      expect(create.Handler).toBe("datadog_lambda.handler.handler");
      expect(create.Layers).toContain("arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312-ARM:104");
    });

    test("`npx datadog-serverless-macro transform --check --format github` annotates and fails on a warning", () => {
      const template = "Transform: {Name: DatadogServerless, Parameters: {addLayers: false, exclude: Nope}}\nResources:\n  F: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.12, Handler: a.b, Role: r, Code: {ZipFile: x}}}\n";
      writeFileSync(join(app, "warns.yaml"), template);
      const warns = run("npx", ["--offline", "--no", "datadog-serverless-macro", "transform", "warns.yaml", "--check", "--format", "github"], { cwd: app });
      expect([warns.status, warns.stdout]).toEqual([1, ""]);
      expect(warns.stderr).toMatch(/^::warning file=warns\.yaml,title=W103::`exclude` names `Nope`/m);
      const macroStack = run("npx", ["--offline", "--no", "datadog-serverless-macro", "macro-stack"], { cwd: app });
      expect(macroStack.status).toBe(0);
      expect((parseTemplate(macroStack.stdout) as any).Parameters.MacroName.Default).toBe(MACRO_NAME);
    });
  });
});
