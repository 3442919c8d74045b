import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parameterTable, withParameterTable } from "../../src/config/docs";
import { PARAMETER_NAMES } from "../../src/config/parameters";
import { loadConfig } from "../../src/config/load";
import { datadogEnvironment } from "../../src/instrument/environment";
import { Report } from "../../src/rules";
import { withRulesTable } from "../../src/rules/docs";
import { withRuntimeTable } from "../../src/runtime-docs";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

describe("README", () => {
  test("its parameter table is the one generated from the parameter table (run `npm run generate`)", () => {
    expect(withParameterTable(readme)).toBe(readme);
  });
  test("lists every parameter and every environment variable the macro writes", () => {
    for (const name of PARAMETER_NAMES) expect(parameterTable()).toContain(`| \`${name}\``);
    const everything = loadConfig(
      { params: { apiKey: "k", tags: "a:b", enableColdStartTracing: true, minColdStartTraceDuration: 1, coldStartTraceSkipLibs: "x", enableProfiling: true, encodeAuthorizerContext: true, decodeAuthorizerContext: true, apmFlushDeadline: 1, llmObsEnabled: true, llmObsMlApp: "a", llmObsAgentlessEnabled: true, lambdaFips: true, appsecEnabled: true, logLevel: "debug", service: "s", env: "e", version: "v" }, mappings: undefined, env: {}, context: { parameterValues: {}, parameterDeclarations: {}, mappings: {} } },
      new Report(),
    ).config;
    for (const [variable] of datadogEnvironment(everything, { extension: false })) expect(readme).toContain(`\`${variable}\``);
  });
  test("its troubleshooting table is the one generated from the rule table (run `npm run generate`)", () => {
    expect(withRulesTable(readme)).toBe(readme);
  });
  test("its runtime and layer version table is the one generated from the runtime table (run `npm run generate`)", () => {
    expect(withRuntimeTable(readme)).toBe(readme);
  });
  test("shows the two commands", () => {
    expect(readme).toContain("npm ci && npm run preview");
    expect(readme).toContain("npm test");
  });
});

describe("README says one thing", () => {
  test("README says one thing of a template already past 1 MB (E105 fails it)", () => {
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    expect(readme).toContain("(the message says whether the template was already past it)");
    expect(readme).not.toContain("A template already past a limit is not judged");
  });
});
