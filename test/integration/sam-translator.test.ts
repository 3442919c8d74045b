/**
 * The macro listed before AWS::Serverless-2016-10-31: for every SAM template of the corpus, the macro's
 * output must still translate with the SAM translator (samtranslator), and the Lambda functions SAM makes
 * from it must carry what the macro added.
 *
 * The two translator passes (the untransformed baseline and the macro's outputs) are two Python processes
 * run at the same time (asynchronous spawn), each on its own folder; the checks are on both results.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { CORPUS_DIR, firstReason, missingCommand, missingDirectory, skipUnless } from "../helpers/corpus";
import { ALL_LAYERS, run } from "../helpers/macro";
import { killRunning, spawnAsync } from "../helpers/spawn";

const INPUT_DIR = join(CORPUS_DIR, "sam", "input");
const suite = skipUnless(
  firstReason(missingDirectory(INPUT_DIR), missingCommand("python3", ["-c", "import samtranslator"])),
  "SAM translator on the macro's output of SAM templates",
);

/** Translates every JSON file of a folder; prints {file: error} for the ones that fail, and the outputs. */
const TRANSLATE = `
import glob, json, os, sys
from samtranslator.translator.transform import transform
class NoManagedPolicies:
    def load(self): return {}
out = {"errors": {}, "lambdas": {}, "grants": 0}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    name = os.path.basename(path)
    try:
        result = transform(json.load(open(path)), {}, NoManagedPolicies())
        resources = result.get("Resources", {}).values()
        out["lambdas"][name] = [r.get("Properties", {}) for r in resources if r.get("Type") == "AWS::Lambda::Function"]
        out["grants"] += sum(1 for r in resources if r.get("Type") == "AWS::IAM::Role" and "DatadogApiKeySecret" in json.dumps(r))
    except Exception as error:
        out["errors"][name] = f"{type(error).__name__}: {error}"
print(json.dumps(out))
`;

const PARAMS = {
  ...ALL_LAYERS,
  extensionLayerVersion: 70,
  apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey",
  enableXrayTracing: true,
  instrumentContainerImages: true,
  service: "svc",
};

interface Translation {
  errors: Record<string, string>;
  lambdas: Record<string, any[]>;
  grants: number;
}

suite.describe("SAM translator on the macro's output (macro before SAM)", () => {
  afterAll(killRunning);

  test("every output translates when the input does, and SAM's functions keep the Datadog layers and variables", async () => {
    // Baseline: the same templates, read as the macro reads them (JSON numbers: 3.0 becomes 3), untransformed.
    const baseline = mkdtempSync(join(tmpdir(), "ddsm-sam-base-"));
    const dir = mkdtempSync(join(tmpdir(), "ddsm-sam-"));
    const refused: string[] = [];
    let changed = 0;
    for (const file of readdirSync(INPUT_DIR).filter((name) => name.endsWith(".yaml"))) {
      const input = parseTemplate(readFileSync(join(INPUT_DIR, file), "utf8"));
      writeFileSync(join(baseline, file.replace(/\.yaml$/, ".json")), JSON.stringify(input));
      const outcome = run(input, PARAMS);
      if (!outcome.ok) {
        refused.push(`${file}: ${outcome.errors.join(" | ")}`);
        continue;
      }
      if (outcome.instrumented.length > 0) changed++;
      writeFileSync(join(dir, file.replace(/\.yaml$/, ".json")), JSON.stringify(outcome.fragment));
    }
    const translate = async (folder: string): Promise<Translation> => {
      const result = await spawnAsync("python3", ["-c", TRANSLATE, folder], { env: { ...process.env, AWS_DEFAULT_REGION: "us-east-1" } });
      if (result.status !== 0) process.stderr.write(`SAM translator on ${folder} exited with ${result.status ?? result.signal}:\n${result.stderr.slice(-4000)}\n`);
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout) as Translation;
    };
    // Both passes at once, each in its own process.
    const [before, { errors, lambdas, grants }] = await Promise.all([translate(baseline), translate(dir)]);
    expect(Object.keys(before.errors).length).toBeLessThan(10);
    const introduced = Object.fromEntries(Object.entries(errors).filter(([file]) => !(file in before.errors)));
    expect(introduced).toEqual({});
    // Only Lambda's layer limit may refuse a template (the corpus has functions with five layers of their own).
    expect(refused.filter((line) => !/would have \d+ layers/.test(line))).toEqual([]);
    expect(changed).toBeGreaterThan(350);
    const functions = Object.values(lambdas).flat();
    const withExtension = functions.filter((fn) => JSON.stringify(fn.Layers ?? []).includes(":layer:Datadog-Extension"));
    const withSite = functions.filter((fn) => fn.Environment?.Variables?.DD_SITE === "datadoghq.com");
    expect(withExtension.length).toBeGreaterThan(300);
    expect(withSite.length).toBeGreaterThan(300);
    // SAM made the roles from the Policies statement the macro added: the secret is readable.
    expect(grants).toBeGreaterThan(300);
  }, 300_000);
});
