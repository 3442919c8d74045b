import { datadogLayerSlot, extensionLayerName, KNOWN_RUNTIMES, runtimeInfo } from "../../src/runtimes";

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

  test.each([
    ["python3.15", "python", "Datadog-Python315-ARM"],
    ["nodejs26.x", "nodejs", "Datadog-Node26-x"],
    ["ruby4.1", "ruby", "Datadog-Ruby4-1-ARM"],
    ["java29", "java", "dd-trace-java"],
    ["dotnet12", "dotnet", "dd-trace-dotnet-ARM"],
  ] as const)("recognises %s, newer than the table, by its family pattern", (runtime, family, layer) => {
    const info = runtimeInfo(runtime);
    expect(info).toMatchObject({ family, tableStatus: "newer" });
    expect(info?.layerName("arm64")).toBe(layer);
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

  test("every runtime in the table belongs to a family", () => {
    for (const runtime of KNOWN_RUNTIMES) expect(runtimeInfo(runtime)).toBeDefined();
  });

  test("extension layer names per architecture and FIPS", () => {
    expect(extensionLayerName("x86_64", false)).toBe("Datadog-Extension");
    expect(extensionLayerName("arm64", false)).toBe("Datadog-Extension-ARM");
    expect(extensionLayerName("x86_64", true)).toBe("Datadog-Extension-FIPS");
    expect(extensionLayerName("arm64", true)).toBe("Datadog-Extension-ARM-FIPS");
  });

  test("every derived layer name has a slot, and other vendors' layers have none", () => {
    for (const runtime of KNOWN_RUNTIMES) {
      const info = runtimeInfo(runtime)!;
      for (const architecture of ["x86_64", "arm64"] as const) {
        const name = info.layerName(architecture);
        if (name) expect(datadogLayerSlot(name)).toBe(info.family);
      }
    }
    expect(datadogLayerSlot("Datadog-Extension-ARM-FIPS")).toBe("extension");
    expect(datadogLayerSlot("LambdaInsightsExtension")).toBeUndefined();
  });
});
