import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LAYER_VERSIONS } from "../../src/layer-versions";
import { runtimeRow, runtimeTable } from "../../src/runtime-docs";
import { ARCHITECTURES, datadogLayerSlot, extensionLayerName, RUNTIMES, runtimeInfo } from "../../src/runtimes";
import { newerRuntime } from "../helpers/runtimes";
import { lambda, layerArn, run, template } from "../helpers/macro";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

describe("runtime table", () => {
  test.each([
    ["python3.12", "x86_64", "Datadog-Python312"],
    ["python3.12", "arm64", "Datadog-Python312-ARM"],
    ["python3.8", "arm64", "Datadog-Python38-ARM"],
    ["python3.14", "arm64", "Datadog-Python314-ARM"],
    ["nodejs20.x", "x86_64", "Datadog-Node20-x"],
    ["nodejs22.x", "arm64", "Datadog-Node22-x"],
    ["ruby3.3", "x86_64", "Datadog-Ruby3-3"],
    ["ruby3.3", "arm64", "Datadog-Ruby3-3-ARM"],
    ["dotnet8", "x86_64", "dd-trace-dotnet"],
    ["dotnet8", "arm64", "dd-trace-dotnet-ARM"],
    ["java21", "x86_64", "dd-trace-java"],
    ["java21", "arm64", "dd-trace-java"],
    ["java8.al2", "x86_64", "dd-trace-java"],
  ] as const)("%s on %s uses %s", (runtime, architecture, layer) => {
    const info = runtimeInfo(runtime);
    expect(info?.layerName(architecture)).toBe(layer);
    expect(info?.tableStatus).toBe("known");
  });

  test("no arm64 Python layer before 3.8", () => {
    expect(runtimeInfo("python3.7")?.layerName("arm64")).toBeUndefined();
  });

  // Expected names written from Datadog's naming, independently of the macro's naming templates.
  test.each([
    ["python", (r: string) => r.replace(/^python(\d+)\.(\d+)$/, "Datadog-Python$1$2-ARM")],
    ["nodejs", (r: string) => r.replace(/^nodejs(\d+)\.x$/, "Datadog-Node$1-x")],
    ["ruby", (r: string) => r.replace(/^ruby(\d+)\.(\d+)$/, "Datadog-Ruby$1-$2-ARM")],
    ["java", () => "dd-trace-java"],
    ["dotnet", () => "dd-trace-dotnet-ARM"],
  ] as const)("recognises a %s runtime newer than the table by its family pattern", (family, arm64Layer) => {
    for (const step of [1, 2]) {
      const runtime = newerRuntime(family, step);
      const info = runtimeInfo(runtime);
      expect(info).toMatchObject({ family, tableStatus: "newer", defaultVersion: undefined });
      expect(info?.layerName("arm64")).toBe(arm64Layer(runtime));
      expect(datadogLayerSlot(info!.layerName("x86_64")!)).toBe(family);
    }
  });

  test("ruby4.0 is a known runtime with its default layer, not newer than the table", () => {
    const info = runtimeInfo("ruby4.0");
    expect(info).toMatchObject({ tableStatus: "known", defaultVersion: DEFAULT_LAYER_VERSIONS.ruby });
    const outcome = run(template({ F: lambda({ Runtime: "ruby4.0", Handler: "a.h" }) }), { apiKey: "k" });
    expect((outcome.fragment as any).Resources.F.Properties.Layers).toContain(layerArn("Datadog-Ruby4-0", DEFAULT_LAYER_VERSIONS.ruby));
    expect(outcome.warnings.join()).not.toMatch(/W203/);
  });

  test("a deprecated row gets Datadog's last version, or none; the others their family's current one", () => {
    expect(runtimeInfo("python3.7")?.defaultVersion).toBe(85);
    expect(runtimeInfo("nodejs16.x")?.defaultVersion).toBe(120);
    expect(runtimeInfo("nodejs14.x")?.defaultVersion).toBeUndefined();
    for (const row of RUNTIMES.filter((r) => !r.deprecated && r.family !== "provided")) {
      expect(row.defaultVersion).toBe(DEFAULT_LAYER_VERSIONS[row.family as keyof typeof DEFAULT_LAYER_VERSIONS]);
    }
  });

  test("outside the table, a layer exists on arm64 when it does for the family's nearest row", () => {
    expect(runtimeInfo("python3.6")?.layerName("arm64")).toBeUndefined();
    expect(runtimeInfo("python3.6")?.layerName("x86_64")).toBe("Datadog-Python36");
    expect(runtimeInfo(newerRuntime("python"))?.layerName("arm64")).toMatch(/-ARM$/);
    expect(runtimeInfo("ruby2.7")?.layerName("arm64")).toBe("Datadog-Ruby2-7-ARM");
  });

  test("tells runtimes older than the table apart from newer ones", () => {
    expect(runtimeInfo("python2.7")?.tableStatus).toBe("older");
    expect(runtimeInfo("nodejs12.x")?.tableStatus).toBe("older");
  });

  test("provided runtimes get the extension only; unknown families are not runtimes we instrument", () => {
    const provided = runtimeInfo("provided.al2023");
    expect(provided?.family).toBe("provided");
    expect(provided?.layerVersionParameter).toBeUndefined();
    expect(provided?.layerName("arm64")).toBeUndefined();
    expect(runtimeInfo("go1.x")).toBeUndefined();
    expect(runtimeInfo("nodejs8.10")).toBeUndefined();
  });

  // What makes adding a runtime one row: each row is known, has its layer names, slot, default and README row.
  test.each(RUNTIMES.map((row) => [row.runtime, row] as const))("row %s is wired everywhere", (runtime, row) => {
    const info = runtimeInfo(runtime)!;
    expect(info).toMatchObject({ family: row.family, tableStatus: "known", defaultVersion: row.defaultVersion });
    for (const architecture of ARCHITECTURES) {
      const name = info.layerName(architecture);
      expect(name).toBe(row.layer[architecture]);
      if (name !== undefined) expect(datadogLayerSlot(name)).toBe(row.family);
    }
    if (row.family !== "provided") expect(row.layer.x86_64).toBeDefined();
    expect(runtimeTable().split("\n")).toContain(runtimeRow(row));
    expect(readme).toContain(runtimeRow(row));
    if (row.family === "provided" || row.defaultVersion === undefined) return;
    // A function of that runtime gets the row's default layer, with no warning about the table.
    const outcome = run(template({ F: lambda({ Runtime: runtime, Handler: "a.h" }) }), { apiKey: "k" });
    expect(outcome.ok).toBe(true);
    expect((outcome.fragment as any).Resources.F.Properties.Layers).toContain(layerArn(row.layer.x86_64!, row.defaultVersion));
    expect(outcome.warnings.join()).not.toMatch(/W203/);
  });

  test("no two rows for the same runtime", () => {
    expect(new Set(RUNTIMES.map((row) => row.runtime)).size).toBe(RUNTIMES.length);
  });

  test("golden cases written for runtimes newer than the table still use runtimes newer than the table", () => {
    // A golden is a fixed input: when a row is added for one of these, give the case a newer runtime (and regenerate it).
    const cases = join(__dirname, "../golden/cases");
    const runtimesOf = (file: string, pattern: RegExp) => [...readFileSync(join(cases, file), "utf8").matchAll(pattern)].map((match) => match[1]);
    const warned = readdirSync(cases).filter((file) => file.endsWith(".expected.json")).flatMap((file) => runtimesOf(file, /runtime (\S+) is newer than this macro's table/g));
    const missingVersions = runtimesOf("error-missing-layer-versions.yaml", /Runtime: (\S+?)[,}]/g).filter((runtime) => runtimeInfo(runtime) !== undefined);
    expect(warned.length).toBeGreaterThan(0);
    expect(missingVersions.length).toBeGreaterThan(0);
    for (const runtime of [...warned, ...missingVersions]) expect(`${runtime}: ${runtimeInfo(runtime)?.tableStatus}`).toBe(`${runtime}: newer`);
  });

  test("extension layer names per architecture and FIPS", () => {
    expect(extensionLayerName("x86_64", false)).toBe("Datadog-Extension");
    expect(extensionLayerName("arm64", false)).toBe("Datadog-Extension-ARM");
    expect(extensionLayerName("x86_64", true)).toBe("Datadog-Extension-FIPS");
    expect(extensionLayerName("arm64", true)).toBe("Datadog-Extension-ARM-FIPS");
  });

  test("Datadog layer names have a slot, other vendors' layers none", () => {
    expect(datadogLayerSlot("Datadog-Extension-ARM-FIPS")).toBe("extension");
    expect(datadogLayerSlot("Datadog-Extension-FIPS")).toBe("extension");
    expect(datadogLayerSlot("Datadog-Python3-ARM")).toBe("python");
    expect(datadogLayerSlot("dd-trace-dotnet-ARM")).toBe("dotnet");
    expect(datadogLayerSlot("Datadog-Node20-x-ARM")).toBeUndefined();
    expect(datadogLayerSlot("dd-trace-java-ARM")).toBeUndefined();
    expect(datadogLayerSlot("Datadog-PythonX")).toBeUndefined();
    expect(datadogLayerSlot("LambdaInsightsExtension")).toBeUndefined();
  });
});
