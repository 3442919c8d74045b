/**
 * The module structure: each part of src/ imports only parts below it, so there are no cycles between
 * folders, and the handler's bundle cannot pull in the CLI or the macro stack.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(__dirname, "../../src");

/** Lowest first. A module may import its own part and parts of lower levels only. */
const LEVELS: string[][] = [
  ["intrinsics", "yaml", "sites", "partitions", "layer-versions", "version", "log"],
  ["rules", "runtimes"],
  ["config", "runtime-docs"],
  ["model", "lookup"],
  ["instrument", "monitors"],
  ["forwarder"],
  ["stepfunctions"],
  ["steps"],
  ["summary"],
  ["transform"],
  ["index", "stack"],
  ["cli"],
];
const levelOf = new Map(LEVELS.flatMap((parts, level) => parts.map((part) => [part, level] as [string, number])));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The part a file belongs to: its folder under src/, or its own name for files at the top. */
function partOf(file: string): string {
  const [first] = relative(SRC, file).split("/");
  return first.replace(/\.ts$/, "");
}

function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map((match) => match[1]);
  return targets.map((target) => resolve(dirname(file), target)).filter((target) => target.startsWith(SRC));
}

const sources = files(SRC);
const edges = sources.flatMap((file) => localImports(file).map((target) => ({ from: partOf(file), to: partOf(`${target}.ts`), file: relative(SRC, file) })));

describe("module structure", () => {
  test("every part of src/ has a level", () => {
    expect([...new Set(sources.map(partOf))].filter((part) => !levelOf.has(part))).toEqual([]);
    expect(edges.length).toBeGreaterThan(50);
  });

  test("no module imports a part above its own, nor a part of its own level", () => {
    const upward = edges.filter(({ from, to }) => from !== to && levelOf.get(to)! >= levelOf.get(from)!);
    expect(upward.map(({ file, to }) => `${file} imports ${to}`)).toEqual([]);
  });

  test("the rule table, the parameter table and the intrinsics are the only homes of their facts", () => {
    const outside = (pattern: RegExp, home: string) =>
      sources.filter((file) => !relative(SRC, file).startsWith(home) && pattern.test(readFileSync(file, "utf8"))).map((file) => relative(SRC, file));
    // Intrinsic keys are read and built only in src/intrinsics (the macro stack builds its own template, and the YAML printer knows the short tags).
    const byHand = /["']Fn::\w+["']\s*[:\]]|\{\s*["']?Ref["']?\s*:|\.Ref\b|\[["']Ref["']\]/;
    expect(outside(byHand, "intrinsics").filter((file) => !/^(stack|yaml)\//.test(file))).toEqual([]);
    // Messages are rules: nothing outside src/rules reports free text.
    expect(outside(/\.(warn|error)\(\s*[`"']/, "rules")).toEqual([]);
    // The macro's name is declared once.
    expect(outside(/["'`]DatadogServerless["'`]/, "version")).toEqual([]);
  });
});

describe("one step per kind of resource", () => {
  test("every step file under src/steps is in the list the transform runs, once", () => {
    // Required here (not imported at the top) so the structure tests above read the files alone.
    const { STEPS } = require("../../src/steps") as typeof import("../../src/steps");
    const stepFiles = readdirSync(join(SRC, "steps")).filter((name) => name.endsWith(".ts") && name !== "step.ts" && name !== "index.ts");
    expect(STEPS.length).toBe(stepFiles.length);
    expect(new Set(STEPS.map((step) => step.kind)).size).toBe(STEPS.length);
  });

  test("the transform instruments no kind itself: it reaches instrument/, forwarder/ and stepfunctions/ only for what every step shares", () => {
    const imports = localImports(join(SRC, "transform.ts")).map((path) => relative(SRC, path).replace(/\.ts$/, ""));
    const kindModules = imports.filter((path) => /^(forwarder|stepfunctions|instrument)(\/|$)/.test(path));
    expect(kindModules.sort()).toEqual(["forwarder", "instrument/context", "instrument/environment", "instrument/permissions", "instrument/result-limits", "instrument/tags"]);
  });
});

describe("shared modules", () => {
  test("a kind reaches log forwarding through its one public module, never its files", () => {
    for (const file of [...files(join(SRC, "steps")), ...files(join(SRC, "stepfunctions"))]) {
      expect(localImports(file).filter((target) => /\/forwarder\/./.test(target))).toEqual([]);
    }
  });
});
