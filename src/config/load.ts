/**
 * Loads the configuration from its sources, highest first: transform parameters,
 * the template's `Mappings.Datadog.Parameters` (CDK), the macro function's environment, defaults.
 */
import { argumentsOf, isIntrinsic, isObject, isSsmParameter, own, possibleValues, resolve, type TemplateContext } from "../intrinsics";
import { DUPLICATE_SPELLING, IGNORED_OPTION, MAPPING_NOT_MAP, MONITOR_INVALID, PARAMETER_FROM_SSM, PARAMETER_TYPE, PARAMETER_UNRESOLVABLE, SOURCE_NOT_MAP, UNKNOWN_PARAMETER, type Report } from "../rules";
import { coerce, isUnset } from "./coerce";
import { IGNORED_OPTIONS } from "./ignored";
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

export interface LoadedConfig {
  config: Config;
  /** Parameters given a value that was rejected: checks that depend on them are not run. */
  invalid: ReadonlySet<ParameterName>;
  /** Every string given to a secret parameter, in any source: removed from every message. */
  secrets: string[];
}

interface Source {
  label: string;
  values: Map<ParameterName, unknown>;
}

const ENVIRONMENT_SOURCE = "macro function environment variable";

export function loadConfig(sources: ConfigSources, report: Report): LoadedConfig {
  const layers: Source[] = [
    readNamedSource("transform parameter", sources.params, report),
    readNamedSource("Mappings.Datadog.Parameters entry", mappingParameters(sources.mappings, report), report),
    readEnvironment(sources.env),
  ];
  const secrets = collectSecrets(layers, sources.context);
  const invalid = new Set<ParameterName>();
  const config: Record<string, unknown> = {};
  for (const name of PARAMETER_NAMES) {
    const spec: ParameterSpec = PARAMETERS[name];
    config[name] = spec.default === undefined ? undefined : Array.isArray(spec.default) ? [...spec.default] : spec.default;
    for (const source of layers) {
      if (!source.values.has(name)) continue;
      // A blank or invalid value does not hide a lower source (invalid ones are reported).
      const value = readValue(name, source, sources.context, report);
      if (value === INVALID) invalid.add(name);
      else if (value !== undefined) {
        config[name] = value;
        break;
      }
    }
  }
  return { config: config as Config, invalid, secrets };
}

function mappingParameters(mappings: unknown, report: Report): unknown {
  const datadog = own(mappings, "Datadog");
  if (!isObject(datadog)) return undefined;
  const parameters = own(datadog, "Parameters");
  if (parameters !== undefined && !isObject(parameters)) {
    report.error(MAPPING_NOT_MAP, {});
    return undefined;
  }
  return parameters;
}

/** Reads a map keyed by parameter names, reporting unknown names with the closest known one. */
function readNamedSource(label: string, raw: unknown, report: Report): Source {
  const values = new Map<ParameterName, unknown>();
  if (raw === undefined || raw === null) return { label, values };
  if (!isObject(raw)) {
    report.error(SOURCE_NOT_MAP, { source: label === "transform parameter" ? "the transform's Parameters" : "Mappings.Datadog.Parameters" });
    return { label, values };
  }
  const spellingsUsed = new Map<ParameterName, string>();
  for (const key of Object.keys(raw)) {
    const name = SPELLINGS.get(key);
    // The plugin's or the constructs' options without a meaning here: said why, not refused.
    if (!name && Object.hasOwn(IGNORED_OPTIONS, key)) {
      report.warn(IGNORED_OPTION, { name: key, source: label, why: IGNORED_OPTIONS[key] });
      continue;
    }
    if (!name) {
      report.error(UNKNOWN_PARAMETER, { name: shorten(key), guess: closestName(key, SPELLINGS.keys()) });
      continue;
    }
    const earlier = spellingsUsed.get(name);
    if (earlier !== undefined) {
      report.error(DUPLICATE_SPELLING, { first: earlier, second: key, name, source: label });
      continue;
    }
    spellingsUsed.set(name, key);
    values.set(name, raw[key]);
  }
  return { label, values };
}

function readEnvironment(env: Record<string, string | undefined>): Source {
  const values = new Map<ParameterName, unknown>();
  for (const name of PARAMETER_NAMES) {
    const variable = (PARAMETERS[name] as ParameterSpec).env;
    const value = variable === undefined ? undefined : own(env, variable);
    if (value !== undefined) values.set(name, value);
  }
  return { label: ENVIRONMENT_SOURCE, values };
}

const INVALID = Symbol("invalid");

function readValue(name: ParameterName, source: Source, context: TemplateContext, report: Report): unknown {
  const spec: ParameterSpec = PARAMETERS[name];
  const where = source.label === ENVIRONMENT_SOURCE ? `environment variable ${spec.env} of the macro function` : source.label;
  let raw = source.values.get(name);
  if (isIntrinsic(raw)) {
    const resolved = resolve(raw, context);
    if (!resolved.known) {
      // Values that only flow into the template stay intrinsics: CloudFormation resolves them at deploy time.
      if (spec.deferrable && spec.type === "string") return raw;
      const ssm = argumentsOf(raw, "Ref");
      if (typeof ssm === "string" && isSsmParameter(ssm, context)) report.error(PARAMETER_FROM_SSM, { name, source: where, parameter: ssm });
      else report.error(PARAMETER_UNRESOLVABLE, { name, source: where });
      return INVALID;
    }
    raw = resolved.value;
  }
  if (isUnset(raw)) return undefined;
  const coerced = coerce(raw, spec.type);
  if (!coerced.ok && coerced.problem !== undefined) {
    // A structured value: say which part is wrong rather than echoing the whole of it.
    report.error(MONITOR_INVALID, { where: `Parameter \`${name}\` (${where})`, problem: `${coerced.problem}; expected ${coerced.expected}` });
    return INVALID;
  }
  if (!coerced.ok) {
    report.error(PARAMETER_TYPE, { name, source: where, shown: describeValue(raw, spec), expected: coerced.expected });
    return INVALID;
  }
  return coerced.value;
}

function describeValue(raw: unknown, spec: ParameterSpec): string {
  const shape = `a ${Array.isArray(raw) ? "list" : raw === null ? "null" : typeof raw}`;
  if (spec.secret) return `${shape} (value hidden)`;
  try {
    // Not cut here: messages are cut after secrets are masked, so no part of a secret can show.
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return `${shape} nested too deeply to show`;
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Strings given to secret parameters in a request, read without checking anything (for the handler's last-resort messages). */
export function requestSecrets(params: unknown, mappings: unknown, env: Record<string, string | undefined>): string[] {
  const values = (raw: unknown): Source => {
    const found = new Map<ParameterName, unknown>();
    if (isObject(raw)) for (const key of Object.keys(raw)) if (SPELLINGS.has(key)) found.set(SPELLINGS.get(key)!, raw[key]);
    return { label: "", values: found };
  };
  return collectSecrets([values(params), values(own(own(mappings, "Datadog"), "Parameters")), readEnvironment(env)], undefined);
}

/**
 * Strings given to secret parameters, wherever they sit in the value (a list, a map, an intrinsic), and
 * the values an intrinsic resolves to (a `Ref` to a template parameter holding the key).
 */
function collectSecrets(sources: Source[], context: TemplateContext | undefined): string[] {
  const secrets = new Set<string>();
  const collect = (value: unknown, depth: number): void => {
    if (depth === 0 && context !== undefined && isIntrinsic(value)) {
      for (const possible of possibleValues(value, context) ?? []) collect(possible.value, 1);
    }
    if (typeof value === "string") {
      const text = value.trim();
      if (text.length >= 4) secrets.add(text);
    } else if (depth < 8 && typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) collect(item, depth + 1);
    }
  };
  for (const source of sources) {
    for (const [name, value] of source.values) if ((PARAMETERS[name] as ParameterSpec).secret) collect(value, 0);
  }
  return [...secrets];
}
