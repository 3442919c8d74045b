/**
 * Golden tests: each `cases/<name>.yaml` is a whole input template (macro parameters in its own
 * DatadogServerless Transform entry or Datadog mapping), `cases/<name>.expected.json` the reviewed
 * output (fragment and warnings) or error message. Optional `cases/<name>.options.json` sets the region
 * and the log groups that exist; optional `cases/<name>.redeploy.json` describes the account after the
 * first deploy: transforming the same template again must then give the very same fragment.
 * Regenerate with `UPDATE_GOLDEN=1 npx jest test/golden`, then review the diff like code.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { transformParameters } from "../../src/cli/index";
import { formatErrors } from "../../src/rules";
import { run } from "../helpers/macro";

const CASES = join(__dirname, "cases");
const update = process.env.UPDATE_GOLDEN === "1";
const names = readdirSync(CASES)
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.replace(/\.yaml$/, ""));

function outcomeFor(name: string, template: unknown, optionsName = `${name}.options.json`) {
  const optionsFile = join(CASES, optionsName);
  const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, "utf8")) : {};
  return run(template, transformParameters(template) ?? {}, options);
}

describe("golden templates", () => {
  test("there are cases to run", () => expect(names.length).toBeGreaterThanOrEqual(8));

  test.each(names)("%s", (name) => {
    const template = parseTemplate(readFileSync(join(CASES, `${name}.yaml`), "utf8"));
    const outcome = outcomeFor(name, template);
    const actual = outcome.ok
      ? { status: "success", ...(outcome.notes.length > 0 ? { notes: outcome.notes } : {}), warnings: outcome.warnings, fragment: outcome.fragment }
      : { status: "failure", errorMessage: formatErrors(outcome.errors).split("\n") };
    const expectedFile = join(CASES, `${name}.expected.json`);
    if (update) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
    if (!existsSync(expectedFile)) throw new Error(`${expectedFile} is missing; run UPDATE_GOLDEN=1 npx jest test/golden and review it`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));

    if (outcome.ok) {
      // Idempotent: the output, transformed again, is unchanged.
      const again = outcomeFor(name, outcome.fragment);
      expect(again.ok).toBe(true);
      expect(again.fragment).toEqual(outcome.fragment);
    }
    if (existsSync(join(CASES, `${name}.redeploy.json`))) {
      // Redeploy: the account now holds what the first deploy made; nothing may change, so nothing is deleted.
      const redeploy = outcomeFor(name, template, `${name}.redeploy.json`);
      expect(redeploy.ok).toBe(true);
      expect(redeploy.fragment).toEqual(outcome.fragment);
    }
  });
});
