/**
 * A case from a campaign seed and a case number: a seed template with its parameters and account, a
 * canary planted, then a few mutations. The same (seed, index) always gives the same case.
 */
import type { Json, JsonMap } from "./json";
import { mutateCase, plantCanary, type FuzzCase } from "./mutate";
import { caseSeed, Rng } from "./prng";
import { pickSeed, type Seeds } from "./seeds";

export interface Generated {
  fuzzCase: FuzzCase;
  /** The seed template it started from. */
  source: string;
}

export function generateCase(seeds: Seeds, seed: number, index: number): Generated {
  const rng = new Rng(caseSeed(seed, index));
  const { source, seed: start } = pickSeed(rng, seeds);
  const fuzzCase: FuzzCase = {
    fragment: start.fragment,
    params: start.params,
    event: {
      requestId: `fuzz-${seed}-${index}`,
      region: start.region,
      accountId: "123456789012",
      transformId: "123456789012::DatadogServerless",
      templateParameterValues: templateParameterValues(start.fragment),
    },
    env: {},
    account: { groups: start.groups, stackResources: start.stackResources },
    canary: `Cnry${rng.hex(12)}Zq`,
  };
  // A tenth of the cases run unmutated (with their canary): the seeds themselves must keep every promise.
  if (rng.chance(0.9)) {
    if (rng.chance(0.5)) plantCanary(rng, fuzzCase);
    mutateCase(rng, fuzzCase);
    if (rng.chance(0.5)) plantCanary(rng, fuzzCase);
  } else {
    plantCanary(rng, fuzzCase);
  }
  return { fuzzCase, source };
}

/** Values for the template's parameters, as CloudFormation sends them: their defaults, as strings. */
function templateParameterValues(fragment: Json): JsonMap {
  const values: JsonMap = {};
  const parameters = typeof fragment === "object" && fragment !== null && !Array.isArray(fragment) ? fragment.Parameters : undefined;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) return values;
  for (const [name, declaration] of Object.entries(parameters)) {
    const fallback = typeof declaration === "object" && declaration !== null && !Array.isArray(declaration) ? declaration.Default : undefined;
    const value = typeof fallback === "string" ? fallback : typeof fallback === "number" || typeof fallback === "boolean" ? `${fallback}` : undefined;
    if (value !== undefined) Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}
