import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parameterTable, withParameterTable } from "../../src/config/docs";
import { PARAMETER_NAMES } from "../../src/config/parameters";
import { ENVIRONMENT_VARIABLES } from "../../src/instrument/environment";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

describe("README", () => {
  test("its parameter table is the one generated from the parameter table (run `npm run generate`)", () => {
    expect(withParameterTable(readme)).toBe(readme);
  });
  test("lists every parameter and every environment variable the macro writes", () => {
    for (const name of PARAMETER_NAMES) expect(parameterTable()).toContain(`| \`${name}\``);
    for (const [variable] of ENVIRONMENT_VARIABLES) expect(readme).toContain(`\`${variable}\``);
  });
  test("shows the two commands", () => {
    expect(readme).toContain("npm ci && npm run preview");
    expect(readme).toContain("npm test");
  });
});
