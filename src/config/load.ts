/**
 * Loads the configuration from its sources, highest first: transform parameters,
 * the template's `Mappings.Datadog.Parameters` (CDK), the macro function's environment, defaults.
 */
import { isIntrinsic, isObject, resolve, type TemplateContext } from "../intrinsics";
import type { Report } from "../report";
import { coerce, isUnset } from "./coerce";
import { PARAMETERS, PARAMETER_NAMES, SPELLINGS, type Config, type ParameterName, type ParameterSpec } from "./parameters";
import { closestName } from "./suggest";

export interface ConfigSources {
  /** The transform's `Parameters` (event `params`). */
  params: unknown;
  /** The template's `Mappings` (for `Datadog.Parameters`). */
  mappings: unknown;
  /** The macro function's own environment. */
  env: Record<string, string | undefined>;
  context: TemplateContext;
}

interface Source {
  label: string;
  values: Map<ParameterName, unknown>;
}

export function loadConfig(sources: ConfigSources, report: Report): Config {
  const layers: Source[] = [
    readNamedSource("transform parameter", sources.params, report),
    readNamedSource("Mappings.Datadog.Parameters entry", mappingParameters(sources.mappings, report), report),
    readEnvironment(sources.env),
  ];
  const config: Record<string, unknown> = {};
  for (const name of PARAMETER_NAMES) {
    const spec: ParameterSpec = PARAMETERS[name];
    config[name] = spec.default === undefined ? undefined : cloneDefault(spec.default);
    for (const source of layers) {
      if (!source.values.has(name)) continue;
      // A blank or invalid value does not hide a lower source (invalid ones are reported).
      const value = readValue(name, source, sources.context, report);
      if (value !== undefined) {
        config[name] = value;
        break;
      }
    }
  }
  return config as Config;
}

function cloneDefault(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

function mappingParameters(mappings: unknown, report: Report): unknown {
  if (!isObject(mappings) || !isObject(mappings.Datadog)) return undefined;
  const parameters = mappings.Datadog.Parameters;
  if (parameters !== undefined && !isObject(parameters)) {
    report.error("Mappings.Datadog.Parameters must be a map of parameter names to values (CDK: new CfnMapping(stack, \"Datadog\", {mapping: {Parameters: {...}}})).");
    return undefined;
  }
  return parameters;
}

/** Reads a map keyed by parameter names, reporting unknown names with the closest known one. */
function readNamedSource(label: string, raw: unknown, report: Report): Source {
  const values = new Map<ParameterName, unknown>();
  if (raw === undefined || raw === null) return { label, values };
  if (!isObject(raw)) {
    report.error(`The ${label}s must be a map of parameter names to values.`);
    return { label, values };
  }
  const spellingsUsed = new Map<ParameterName, string>();
  for (const [key, value] of Object.entries(raw)) {
    const name = SPELLINGS.get(key);
    if (!name) {
      const guess = closestName(key, SPELLINGS.keys());
      report.error(
        `\`${key}\` is not a parameter of the DatadogServerless macro${guess ? `; did you mean \`${guess}\`?` : "."} See README.md, "Parameters", for the list.`,
      );
      continue;
    }
    const earlier = spellingsUsed.get(name);
    if (earlier !== undefined) {
      report.error(`\`${earlier}\` and \`${key}\` are the same parameter (${label}); keep only \`${name}\`.`);
      continue;
    }
    spellingsUsed.set(name, key);
    values.set(name, value);
  }
  return { label, values };
}

function readEnvironment(env: Record<string, string | undefined>): Source {
  const values = new Map<ParameterName, unknown>();
  for (const name of PARAMETER_NAMES) {
    const variable = (PARAMETERS[name] as ParameterSpec).env;
    if (variable !== undefined && env[variable] !== undefined) values.set(name, env[variable]);
  }
  return { label: "macro function environment variable", values };
}

function readValue(name: ParameterName, source: Source, context: TemplateContext, report: Report): unknown {
  const spec: ParameterSpec = PARAMETERS[name];
  let raw = source.values.get(name);
  if (isIntrinsic(raw)) {
    const resolved = resolve(raw, context);
    if (!resolved.known) {
      report.error(
        `Parameter \`${name}\` (${source.label}) is an intrinsic function the macro cannot resolve at transform time; use a literal value or a \`Ref\` to a template parameter.`,
      );
      return undefined;
    }
    raw = resolved.value;
  }
  if (isUnset(raw)) return undefined;
  const coerced = coerce(raw, spec.type);
  if (!coerced.ok) {
    const where = source.label === "macro function environment variable" ? `environment variable ${spec.env} of the macro function` : source.label;
    report.error(`Parameter \`${name}\` (${where}) is ${describeValue(raw, spec)}; expected ${coerced.expected}.`);
    return undefined;
  }
  return coerced.value;
}

function describeValue(raw: unknown, spec: ParameterSpec): string {
  if (spec.secret) return `a ${Array.isArray(raw) ? "list" : typeof raw} (value hidden)`;
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
