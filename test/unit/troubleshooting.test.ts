/** Every error message the macro emits has a row in README's troubleshooting table. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatErrors } from "../../src/errors";
import { lambda, run, template } from "../helpers/macro";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Troubleshooting"), readme.indexOf("Warnings worth knowing"));
/** Each row's first column: code spans (alternatives split by " / "), "..." standing for any text. */
const rows = section
  .split("\n")
  .filter((line) => line.startsWith("| `"))
  .flatMap((line) => line.split(" | ")[0].slice(2).split(" / "))
  .map((span) => span.trim().replace(/^``? ?/, "").replace(/ ?``?$/, ""))
  .map((span) => new RegExp(span.split("...").map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*?")));

function documented(message: string): boolean {
  return rows.some((row) => row.test(message));
}

const fn = (props: Record<string, unknown> = {}) => lambda({ Runtime: "python3.12", Handler: "a.b", ...props });
const node = () => lambda({ Runtime: "nodejs22.x", Handler: "a.b" });
const CASES: [Record<string, unknown>, Record<string, unknown>][] = [
  [{ pythonLayerVerison: 1 }, {}],
  [{ pythonLayerVersion: "x" }, {}],
  [{}, { F: fn() }],
  [{ apiKey: "a", apiKMSKey: "b", addLayers: false }, {}],
  [{ site: "nowhere", addLayers: false }, {}],
  [{ extensionLayerVersion: 1 }, {}],
  [{ addExtension: true, apiKMSKey: "k" }, {}],
  [{ extensionLayerVersion: 1, apiKMSKey: "k", forwarderArn: "arn:aws:lambda:us-east-1:1:function:f" }, {}],
  [{ llmObsEnabled: true }, {}],
  [{ llmObsMlApp: "bad app" }, {}],
  [{ appsecEnabled: true }, {}],
  [{ useLayersFromAccount: "1" }, {}],
  [{ apiKeySecretArn: "secret" }, {}],
  [{ logRetentionInDays: 2 }, {}],
  [{ gitData: "x" }, {}],
  [{ coldStartTraceMinDuration: 1, minColdStartTraceDuration: 2 }, {}],
  [{ service: { "Fn::GetAtt": ["A", "B"] } }, {}],
  [{ nodeLayerVersion: 1, apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:k", flushMetricsToLogs: false }, { N: node() }],
  [{ pythonLayerVersion: 1, extensionLayerVersion: 1, apiKMSKey: "k" }, { F: fn({ Layers: ["a", "b", "c", "d"] }) }],
  [{ addLayers: false, forwarderArn: "arn:aws:lambda:us-east-1:1:function:f" }, { F: fn() }],
];

describe("README troubleshooting", () => {
  test("has a row for every error message the macro emits", () => {
    const messages = new Set<string>();
    for (const [params, resources] of CASES) run(template(resources), params).errors.forEach((error) => messages.add(error));
    run(template({}), {}, {}).errors.forEach((e) => messages.add(e));
    run({ Resources: [] }, {}).errors.forEach((e) => messages.add(e));
    run(undefined, {}).errors.forEach((e) => messages.add(e));
    run(template({}), { pythonLayerVersion: 1 }, { region: "" }).errors.forEach((e) => messages.add(e));
    run({ Resources: {}, Mappings: { Datadog: { Parameters: "x" } } }, {}).errors.forEach((e) => messages.add(e));
    run(template({}), "not a map" as never).errors.forEach((e) => messages.add(e));
    expect(messages.size).toBeGreaterThanOrEqual(25);
    expect([...messages].filter((message) => !documented(message)).map((m) => formatErrors([m]))).toEqual([]);
  });
});
