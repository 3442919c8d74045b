/**
 * One `monitors` entry → the properties of its `Datadog::Monitors::Monitor` resource. A recommended id
 * gets the shipped query (its comparison set to the critical threshold given, if any), name and message;
 * any other id is custom and needs its own query. The user's values win; the names are read in the API's
 * spelling or the type's. Anything the type would reject fails the transform here (E501), naming the
 * monitor, rather than failing the deploy.
 */
import type { MonitorDeclaration } from "../config/parameters";
import { coerce } from "../config/coerce";
import { argumentsOf, hasOwn, ifCondition, isIntrinsic, isObject, join, MAX_DEPTH, sub, subLiteral, type Json, type JsonObject } from "../intrinsics";
import { MONITOR_INVALID, RECOMMENDED_MONITOR_QUERY, type Report } from "../rules";
import { MONITOR_OPTIONS, MONITOR_PROPERTIES, MONITOR_THRESHOLDS, MONITOR_TYPES, NESTED_OPTIONS, OPTION_VALUES, PRIORITY_RANGE, typeSpelling, type NestedShape, type ValueKind } from "./options";
import { CREATED_BY_TAG, DEFAULT_MONITOR_TYPE, RECOMMENDED_MONITORS, SCOPE_PLACEHOLDER, STACK_SCOPE } from "./recommended";

export const MONITOR_RESOURCE_TYPE = "Datadog::Monitors::Monitor";

/** The unified tags every monitor gets (the parameters' values: literal or deferred to deploy time). */
export interface MonitorTags {
  service?: string | JsonObject;
  env?: string | JsonObject;
}

/** Why a value was rejected: what it should have been. */
class Rejected {
  constructor(readonly problem: string) {}
}

/** The resource for `declaration`, or undefined when it cannot be built (E501 reported). */
export function monitorResource(declaration: MonitorDeclaration, tags: MonitorTags, report: Report): JsonObject | undefined {
  const { id } = declaration;
  const fail = (problem: string) => {
    report.error(MONITOR_INVALID, { where: `Monitor \`${id}\` of \`monitors\``, problem });
    return undefined;
  };
  const read = readSettings(declaration.settings);
  if (read instanceof Rejected) return fail(read.problem);
  const { properties, options } = read;

  // The macro adds its tags to the user's, and a recommended monitor its threshold: those must be readable.
  if (isIntrinsic(properties.Tags)) return fail("`tags` must be a list (its items may be intrinsic functions): the macro adds its own tags to it");
  if (isIntrinsic(options.Thresholds)) return fail("`options.thresholds` must be a map (its values may be intrinsic functions)");

  const recommended = hasOwn(RECOMMENDED_MONITORS, id) ? RECOMMENDED_MONITORS[id] : undefined;
  if (recommended !== undefined && properties.Query !== undefined) report.warn(RECOMMENDED_MONITOR_QUERY, { id });
  if (recommended !== undefined && properties.Query === undefined) {
    const thresholds = (options.Thresholds ??= {}) as JsonObject;
    const critical = thresholds.Critical ?? recommended.critical;
    thresholds.Critical = critical;
    // The query's comparison is the critical threshold: Datadog rejects a monitor where they differ.
    const head = `${recommended.measure} ${recommended.comparison} `;
    properties.Query = isIntrinsic(critical) ? sub(`${stackScoped(head)}\${Critical}`, { Critical: critical }) : sub(stackScoped(`${head}${String(critical)}`));
    properties.Name ??= recommended.name;
    properties.Message ??= recommended.message;
  } else if (properties.Query === undefined) {
    return fail(`a custom monitor needs a \`query\` (the recommended ids, which have theirs, are ${Object.keys(RECOMMENDED_MONITORS).join(", ")})`);
  } else {
    properties.Query = scopedQuery(properties.Query);
  }
  properties.Type ??= DEFAULT_MONITOR_TYPE;
  properties.Tags = monitorTags(tags, properties.Tags);
  if (Object.keys(options).length > 0) properties.Options = options;
  return { Type: MONITOR_RESOURCE_TYPE, Properties: ordered(properties) };
}

/**
 * Query text for `Fn::Sub` in which `$scope` stands for this stack, so that CloudFormation fills in the
 * stack's id; any other `${` of the query stays literal. (A query without `$scope` stays a plain string.)
 */
function stackScoped(text: string): string {
  return subLiteral(text).split(SCOPE_PLACEHOLDER).join(STACK_SCOPE);
}

/**
 * A custom query with `$scope` standing for this stack: a plain string becomes an `Fn::Sub` (its other `${`
 * kept literal); in the user's own `Fn::Sub` text `$scope` is replaced in place; each branch of an
 * `Fn::If` is scoped so. Other values are left as they are.
 */
function scopedQuery(query: Json, depth = 0): Json {
  if (typeof query === "string") return query.includes(SCOPE_PLACEHOLDER) ? sub(stackScoped(query)) : query;
  if (depth > MAX_DEPTH || !isObject(query)) return query;
  const subArgs = argumentsOf(query, "Fn::Sub");
  const scoped = (text: string) => text.split(SCOPE_PLACEHOLDER).join(STACK_SCOPE);
  if (typeof subArgs === "string") return sub(scoped(subArgs));
  if (Array.isArray(subArgs) && subArgs.length === 2 && typeof subArgs[0] === "string" && isObject(subArgs[1])) return sub(scoped(subArgs[0]), subArgs[1]);
  const branches = argumentsOf(query, "Fn::If");
  if (Array.isArray(branches) && branches.length === 3 && typeof branches[0] === "string") return ifCondition(branches[0], scopedQuery(branches[1], depth + 1), scopedQuery(branches[2], depth + 1));
  return query;
}

/** The macro's tags (dropped where the user tags the same key: the user's win), then the user's. */
function monitorTags(unified: MonitorTags, given: Json | undefined): Json[] {
  const user = Array.isArray(given) ? given : [];
  const userKeys = new Set(user.filter((tag): tag is string => typeof tag === "string").map((tag) => tag.split(":")[0]));
  const tag = (key: string, value: string | JsonObject | undefined): Json[] => (value === undefined ? [] : [typeof value === "string" ? `${key}:${value}` : join("", [`${key}:`, value])]);
  const [createdByKey, createdByValue] = CREATED_BY_TAG.split(":");
  const ours = [...tag("service", unified.service), ...tag("env", unified.env), ...tag(createdByKey, createdByValue)].filter(
    (value) => typeof value !== "string" || !userKeys.has(value.split(":")[0]),
  );
  const seen = new Set<string>();
  return [...ours, ...user].filter((value) => typeof value !== "string" || (!seen.has(value) && seen.add(value) !== undefined));
}

/** Properties in one order whatever the order given: the output is the same for the same monitor. */
function ordered(properties: JsonObject): JsonObject {
  const order = ["Name", "Type", "Query", "Message", "Tags", "Priority", "RestrictedRoles", "Options"];
  return Object.fromEntries(order.filter((name) => properties[name] !== undefined).map((name) => [name, properties[name]]));
}

/** The settings in the type's spelling: the monitor's properties and its options (which may also sit beside them, as in the plugin's README). */
function readSettings(settings: JsonObject): { properties: JsonObject; options: JsonObject } | Rejected {
  const properties: JsonObject = {};
  const options: JsonObject = {};
  const put = (target: JsonObject, name: string, given: string, value: Json): Rejected | undefined => {
    if (hasOwn(target, name)) return new Rejected(`\`${given}\` is given twice (as \`${name}\` in one spelling or another)`);
    target[name] = value;
    return undefined;
  };
  for (const [given, raw] of Object.entries(settings)) {
    const name = typeSpelling(given);
    let problem: Rejected | undefined;
    if (name === "Options") {
      if (!isObject(raw) || isIntrinsic(raw)) return new Rejected("`options` must be a map of monitor options");
      for (const [optionGiven, optionRaw] of Object.entries(raw)) {
        const option = typeSpelling(optionGiven);
        if (!hasOwn(MONITOR_OPTIONS, option)) return unknownName(optionGiven, "an option");
        const value = checked(optionGiven, MONITOR_OPTIONS[option], optionRaw);
        problem = value instanceof Rejected ? value : (allowedOption(optionGiven, option, value) ?? put(options, option, optionGiven, value));
        if (problem) return problem;
      }
      continue;
    }
    const kind = hasOwn(MONITOR_PROPERTIES, name) ? MONITOR_PROPERTIES[name] : hasOwn(MONITOR_OPTIONS, name) ? MONITOR_OPTIONS[name] : undefined;
    if (kind === undefined) return unknownName(given, "a property");
    const value = checked(given, kind, raw);
    problem = value instanceof Rejected ? value : (allowedOption(given, name, value) ?? put(hasOwn(MONITOR_PROPERTIES, name) ? properties : options, name, given, value));
    if (problem) return problem;
  }
  const type = properties.Type;
  if (typeof type === "string" && !MONITOR_TYPES.includes(type)) return new Rejected(`\`type\` "${type}" is not a monitor type; the type accepts ${MONITOR_TYPES.join(", ")}`);
  const priority = properties.Priority;
  if (typeof priority === "number" && (priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max)) {
    return new Rejected(`\`priority\` must be from ${PRIORITY_RANGE.min} (high) to ${PRIORITY_RANGE.max} (low)`);
  }
  return { properties, options };
}

function unknownName(given: string, what: string): Rejected {
  const shown = given.length > 60 ? `${given.slice(0, 57)}...` : given;
  return new Rejected(`\`${shown}\` is not ${what} of ${MONITOR_RESOURCE_TYPE}, whose schema accepts no other`);
}

/** The value in the form `kind` asks for; an intrinsic function is left for CloudFormation to resolve. */
function checked(given: string, kind: ValueKind, raw: unknown): Json | Rejected {
  if (isIntrinsic(raw)) return raw as Json;
  const reject = (expected: string) => new Rejected(`\`${given}\` must be ${expected}`);
  switch (kind) {
    case "boolean":
    case "integer":
    case "string": {
      const coerced = coerce(raw, kind);
      return coerced.ok ? (coerced.value as Json) : reject(coerced.expected);
    }
    case "number":
      return numberValue(raw) ?? reject("a number");
    case "stringList": {
      // Items may be intrinsic functions (a tag built with Fn::Sub): kept as they are.
      if (Array.isArray(raw) && raw.every((item) => typeof item === "string" || isIntrinsic(item))) return raw as Json[];
      const coerced = coerce(raw, "stringList");
      return coerced.ok ? (coerced.value as Json) : reject(coerced.expected);
    }
    case "thresholds": {
      if (!isObject(raw)) return reject("a map of thresholds (`critical`, `warning`...)");
      const thresholds: JsonObject = {};
      for (const [name, value] of Object.entries(raw)) {
        const threshold = typeSpelling(name);
        if (!(MONITOR_THRESHOLDS as readonly string[]).includes(threshold)) return reject(`a map of thresholds, ${MONITOR_THRESHOLDS.join(", ")}: \`${name}\` is none of them`);
        const number = isIntrinsic(value) ? (value as Json) : numberValue(value);
        if (number === undefined) return new Rejected(`threshold \`${name}\` must be a number`);
        thresholds[threshold] = number;
      }
      return thresholds;
    }
    case "tree":
      return inTypeSpelling(raw as Json, 0) ?? reject(`nested at most ${MAX_DEPTH} levels deep`);
  }
}

/** A value the type's schema refuses for option `name` (a listed value, a nested shape), as a rejection; else undefined. */
function allowedOption(given: string, name: string, value: Json): Rejected | undefined {
  const allowed = hasOwn(OPTION_VALUES, name) ? OPTION_VALUES[name] : undefined;
  if (allowed !== undefined) {
    const values = Array.isArray(value) ? value : [value];
    const wrong = values.find((item) => typeof item === "string" && !allowed.includes(item));
    if (wrong !== undefined) return new Rejected(`\`${given}\` takes ${allowed.map((item) => `"${item}"`).join(", ")}; "${String(wrong).slice(0, 60)}" is none of them`);
  }
  const shape = hasOwn(NESTED_OPTIONS, name) ? NESTED_OPTIONS[name] : undefined;
  return shape === undefined ? undefined : nestedProblem(given, value, shape);
}

function nestedProblem(path: string, value: Json, shape: NestedShape): Rejected | undefined {
  if (isIntrinsic(value)) return undefined;
  if (!isObject(value)) return new Rejected(`\`${path}\` must be a map of ${Object.keys(shape).join(", ")}`);
  for (const [key, item] of Object.entries(value)) {
    const expected = hasOwn(shape, key) ? shape[key] : undefined;
    if (expected === undefined) return new Rejected(`\`${path}.${key.slice(0, 60)}\` is not an option of ${MONITOR_RESOURCE_TYPE}; \`${path}\` takes ${Object.keys(shape).join(", ")}`);
    if (isIntrinsic(item)) continue;
    if (expected === "string") {
      if (typeof item !== "string") return new Rejected(`\`${path}.${key}\` must be a string`);
    } else if ("integer" in expected && typeof expected.integer === "object" && !Array.isArray(expected.integer)) {
      const { min, max } = expected.integer as { min: number; max: number };
      if (typeof item !== "number" || !Number.isInteger(item) || item < min || item > max) return new Rejected(`\`${path}.${key}\` must be a whole number from ${min} to ${max}`);
    } else {
      const problem = nestedProblem(`${path}.${key}`, item, expected as NestedShape);
      if (problem) return problem;
    }
  }
  return undefined;
}

function numberValue(raw: unknown): number | undefined {
  if (typeof raw === "number" && Number.isFinite(raw)) return raw;
  if (typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

/**
 * A nested option (scheduling, variables) with its keys in the type's spelling; intrinsic functions
 * untouched. Undefined when it nests deeper than MAX_DEPTH (a value no monitor needs, which could not
 * even be written back to CloudFormation).
 */
function inTypeSpelling(value: Json, depth: number): Json | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (isIntrinsic(value)) return value;
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) {
      const spelled = inTypeSpelling(item, depth + 1);
      if (spelled === undefined) return undefined;
      items.push(spelled);
    }
    return items;
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const spelled = inTypeSpelling(item, depth + 1);
    if (spelled === undefined) return undefined;
    out[typeSpelling(key)] = spelled;
  }
  return out;
}
