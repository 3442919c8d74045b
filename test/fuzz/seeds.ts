/**
 * Where cases start: the golden cases (always), the shared corpus when it is there (read in place from
 * ../shared/corpus), and generated templates. Templates are parsed with the project's own YAML reader,
 * lazily and once each.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { generateTemplate } from "./generated";
import { copy, type Json, type JsonMap } from "./json";
import type { Rng } from "./prng";

export interface Seed {
  fragment: Json;
  params: Json;
  region: string;
  groups: JsonMap;
  stackResources: JsonMap;
}

export interface SeedFile {
  /** `golden:<name>`, `corpus:<path>`. */
  name: string;
  load(): Seed;
}

export interface Seeds {
  golden: SeedFile[];
  corpus: SeedFile[];
  /** Why the corpus is not used, when it is not. */
  corpusMissing?: string;
}

const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:forwarder";
/** Macro parameters for seeds that bring none: the shapes users deploy with. */
export const BASE_PARAMS: JsonMap[] = [
  {},
  { pythonLayerVersion: 100, nodeLayerVersion: 110, extensionLayerVersion: 60, apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey", service: "shop", env: "prod" },
  { addLayers: false, redirectHandler: false, apiKMSKey: "AQICAHkms" },
  { forwarderArn: FORWARDER, stackName: "shop", addLayers: false, subscribeToAccessLogs: true, subscribeToExecutionLogs: true, forwardLogGroups: ["Logs", "/shop/other"], enableXrayTracing: true },
  { forwarderArn: FORWARDER, stepFunctionForwarderArn: FORWARDER, stackName: "shop", mergeStepFunctionAndLambdaTraces: true, propagateUpstreamTrace: true, enableXrayTracing: true },
  { stepFunctionForwarderArn: FORWARDER, mergeStepFunctionAndLambdaTraces: false, propagateUpstreamTrace: false, exclude: ["Fn0"] },
  { extensionLayerVersion: 60, apiKey: "0123456789abcdef0123456789abcdef", site: "datadoghq.eu", appSecMode: "on", tags: "team:shop,tier:1", gitData: "0123456789abcdef0123456789abcdef01234567,https://github.com/o/r" },
  { addExtension: true, apiKeySsmArn: "arn:aws:ssm:us-east-1:123456789012:parameter/dd", lambdaFips: true, llmObsEnabled: true, llmObsMlApp: "shop-app", enableProfiling: true },
];

/** Layer versions for every runtime family, so that cases get past the layer checks to the instrumenting. */
export const ALL_LAYERS: JsonMap = { pythonLayerVersion: 100, nodeLayerVersion: 110, javaLayerVersion: 20, dotnetLayerVersion: 21, rubyLayerVersion: 22 };

function isMapping(value: unknown): value is JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The parameters of a template's own DatadogServerless Transform entry, as the golden test reads them. */
function transformParameters(template: unknown): JsonMap {
  if (!isMapping(template)) return {};
  const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  for (const entry of transforms) if (isMapping(entry) && entry.Name === "DatadogServerless" && isMapping(entry.Parameters)) return entry.Parameters;
  return {};
}

function cached(name: string, read: () => Seed): SeedFile {
  let seed: Seed | undefined;
  // Every load hands out a fresh copy: cases edit what they get.
  return { name, load: () => copy((seed ??= read())) };
}

export function loadSeeds(root: string): Seeds {
  const goldenDir = join(root, "test", "golden", "cases");
  const golden = readdirSync(goldenDir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) =>
      cached(`golden:${file}`, () => {
        const fragment = parseTemplate(readFileSync(join(goldenDir, file), "utf8")) as Json;
        const optionsFile = join(goldenDir, file.replace(/\.yaml$/, ".options.json"));
        const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, "utf8")) : {};
        return {
          fragment,
          params: transformParameters(fragment),
          region: options.region ?? "us-east-1",
          groups: options.logGroups ?? {},
          stackResources: options.stackResources ?? {},
        };
      }),
    );
  const corpusDir = resolve(root, "..", "shared", "corpus", "sam");
  if (!existsSync(join(corpusDir, "input")) || !existsSync(join(corpusDir, "output"))) {
    return { golden, corpus: [], corpusMissing: `${corpusDir} is absent: golden and generated templates only` };
  }
  const corpus: SeedFile[] = [];
  for (const folder of ["input", "output"]) {
    for (const file of readdirSync(join(corpusDir, folder)).sort()) {
      if (!/\.(ya?ml|json)$/.test(file)) continue;
      corpus.push(
        cached(`corpus:sam/${folder}/${file}`, () => ({
          fragment: parseTemplate(readFileSync(join(corpusDir, folder, file), "utf8")) as Json,
          params: {},
          region: "us-east-1",
          groups: {},
          stackResources: {},
        })),
      );
    }
  }
  return { golden, corpus };
}

/** A seed chosen by `rng`: a golden case, a corpus template or a generated one, with its source's name. */
export function pickSeed(rng: Rng, seeds: Seeds): { source: string; seed: Seed } {
  const kind = rng.weighted<string>(seeds.corpus.length > 0 ? [[3, "golden"], [4, "corpus"], [3, "generated"]] : [[45, "golden"], [55, "generated"]]);
  let source = "generated";
  let seed: Seed;
  if (kind === "generated") {
    seed = { fragment: generateTemplate(rng), params: {}, region: "us-east-1", groups: {}, stackResources: { Rest: "r1", V2: "ws1" } };
  } else {
    const file = rng.pick(kind === "golden" ? seeds.golden : seeds.corpus);
    source = file.name;
    seed = file.load();
  }
  // Seeds without parameters of their own get one of the usual sets.
  if (isMapping(seed.params) && Object.keys(seed.params).length === 0) {
    seed.params = copy(rng.pick(BASE_PARAMS));
    if (rng.chance(0.7)) seed.params = { ...ALL_LAYERS, ...seed.params };
  }
  return { source, seed };
}

export { generateTemplate };
