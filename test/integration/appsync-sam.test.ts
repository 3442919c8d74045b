/**
 * AppSync before and after SAM: SAM's translation (samtranslator) of the macro's output on
 * appsync-sam-graphqlapi (macro before SAM) holds the same resources as the macro's output on
 * appsync-sam-translated (SAM's translation of the same app, then the macro): SAM keeps the GraphQL API's
 * logical id and passes XrayEnabled through, so `${CatalogApi.ApiId}` names the same group either way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { firstReason, missingCommand, skipUnless } from "../helpers/corpus";
import { killRunning, spawnAsync } from "../helpers/spawn";

const CASES = join(__dirname, "../golden/cases");
const suite = skipUnless(firstReason(missingCommand("python3", ["-c", "import samtranslator"])), "SAM translator on the AppSync golden output");

const TRANSLATE = `
import json, sys
from samtranslator.translator.transform import transform
class NoManagedPolicies:
    def load(self): return {}
print(json.dumps(transform(json.load(sys.stdin), {}, NoManagedPolicies())))
`;

const fragmentOf = (name: string) => JSON.parse(readFileSync(join(CASES, `${name}.expected.json`), "utf8")).fragment;

suite.describe("AppSync: the macro before SAM, then SAM, gives what SAM then the macro gives", () => {
  afterAll(killRunning);

  test("the same resources, the macro's additions included", async () => {
    const beforeSam = { ...fragmentOf("appsync-sam-graphqlapi"), Transform: "AWS::Serverless-2016-10-31" };
    const result = await spawnAsync("python3", ["-c", TRANSLATE], { input: JSON.stringify(beforeSam), env: { ...process.env, AWS_DEFAULT_REGION: "us-east-1" } });
    expect(result.stderr).toBe("");
    const translated = JSON.parse(result.stdout).Resources;
    const afterSam = fragmentOf("appsync-sam-translated").Resources;
    expect(translated).toEqual(afterSam);
    expect(translated.CatalogApi.Properties.XrayEnabled).toBe(true);
    expect(translated.CatalogApiLogGroup.Properties.LogGroupName).toEqual({ "Fn::Sub": "/aws/appsync/apis/${CatalogApi.ApiId}" });
  }, 60_000);
});
