/**
 * Reading intrinsic functions. A resolver table in the style of cfn-lint: each intrinsic yields every
 * value it may take, each with the conditions it holds under, or says it cannot be resolved at
 * transform time. Work is bounded whatever the input: nesting by MAX_DEPTH, alternatives by
 * MAX_POSSIBILITIES.
 */
import { hasOwn, isObject, MAX_DEPTH, own, sameJson, type Json, type JsonObject } from "./json";

/** What CloudFormation tells the macro about the template and the deployment. */
export interface TemplateContext {
  /** The event's `templateParameterValues`. */
  parameterValues: Record<string, unknown>;
  /** The template's `Parameters`. */
  parameterDeclarations: Record<string, unknown>;
  mappings: Record<string, unknown>;
  /** Pseudo parameters known from the macro request (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`, ...). */
  pseudoParameters?: Record<string, string>;
}

export const NO_VALUE = "AWS::NoValue";

/** A one-key object whose key is `Ref` or `Fn::*` is an intrinsic function; its name, else undefined. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  // for-in instead of Object.keys: this runs on every property the macro reads, so no allocation.
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return undefined;
    only = key;
  }
  return only !== undefined && (only === "Ref" || only.startsWith("Fn::")) ? only : undefined;
}

export function isIntrinsic(value: unknown): boolean {
  return intrinsicName(value) !== undefined;
}

/** The arguments of intrinsic `name` when `value` is that intrinsic. */
export function argumentsOf(value: unknown, name: string): Json | undefined {
  return intrinsicName(value) === name ? (value as JsonObject)[name] : undefined;
}

export function isNoValue(value: unknown): boolean {
  return argumentsOf(value, "Ref") === NO_VALUE;
}

/** True when the value is, or contains, an intrinsic function (or nests too deep to tell). */
export function containsIntrinsic(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsIntrinsic(item, depth + 1)) return true;
    return false;
  }
  if (isIntrinsic(value)) return true;
  for (const key in value) if (containsIntrinsic((value as JsonObject)[key], depth + 1)) return true;
  return false;
}

/** Conditions a value holds under: condition name → the value it must have. */
export type When = Readonly<Record<string, boolean>>;
/** One value an expression may take; `undefined` stands for `AWS::NoValue`. */
export interface Possible {
  value: unknown;
  when: When;
}
const ALWAYS: When = Object.freeze({});

/** Beyond this many alternatives an expression counts as unresolvable. */
export const MAX_POSSIBILITIES = 16;

type Resolver = (args: Json, context: TemplateContext, depth: number) => Possible[] | undefined;

/**
 * Every value `value` may take at transform time, or undefined when CloudFormation alone can tell
 * (a resource attribute, an import, an SSM-typed parameter, ...).
 */
export function possibleValues(value: unknown, context: TemplateContext, depth = 0): Possible[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof value !== "object" || value === null) return [{ value, when: ALWAYS }];
  if (Array.isArray(value)) return listPossibilities(value, context, depth);
  const name = intrinsicName(value);
  if (name === undefined) return containsIntrinsic(value, depth) ? undefined : [{ value, when: ALWAYS }];
  const resolver = hasOwn(RESOLVERS, name) ? RESOLVERS[name] : undefined;
  return resolver ? resolver((value as JsonObject)[name], context, depth + 1) : undefined;
}

/** Each intrinsic the macro can evaluate; any other (GetAtt, ImportValue, GetAZs, ...) is unresolvable. */
const RESOLVERS: Record<string, Resolver> = {
  Ref: (args, context) => (typeof args === "string" ? parameterPossibilities(args, context) : undefined),
  "Fn::If": (args, context, depth) => {
    if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== "string") return undefined;
    const condition = args[0];
    const whenTrue = possibleValues(args[1], context, depth);
    const whenFalse = possibleValues(args[2], context, depth);
    if (!whenTrue || !whenFalse) return undefined;
    return bounded([...under(whenTrue, condition, true), ...under(whenFalse, condition, false)]);
  },
  "Fn::FindInMap": (args, context, depth) => {
    if (!Array.isArray(args) || args.length < 3) return undefined;
    return combine(args.slice(0, 3), context, depth, (keys) => {
      if (!keys.every((key): key is string => typeof key === "string")) return undefined;
      let current: unknown = context.mappings;
      for (const key of keys) current = own(current, key);
      return current === undefined ? undefined : { value: current };
    });
  },
  "Fn::Join": (args, context, depth) => {
    if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== "string") return undefined;
    const separator = args[0];
    const lists = possibleValues(args[1], context, depth);
    if (!lists) return undefined;
    const out: Possible[] = [];
    for (const list of lists) {
      if (!Array.isArray(list.value)) return undefined;
      const joined = combine(list.value, context, depth, (parts) =>
        parts.every((part) => typeof part === "string" || typeof part === "number" || typeof part === "boolean") ? { value: parts.join(separator) } : undefined,
      );
      if (!joined) return undefined;
      out.push(...under(joined, list.when));
    }
    return bounded(out);
  },
  "Fn::Sub": (args, context, depth) => {
    const [text, given] = typeof args === "string" ? [args, {}] : Array.isArray(args) && args.length === 2 ? args : [undefined, undefined];
    if (typeof text !== "string" || !isObject(given)) return undefined;
    const variables: JsonObject = given;
    const pieces = subPieces(text);
    const values = pieces.map((piece) => (piece.kind === "text" ? piece.text : hasOwn(variables, piece.name) ? variables[piece.name] : { Ref: piece.name }));
    return combine(values, context, depth, (parts) =>
      parts.every((part) => typeof part === "string" || typeof part === "number" || typeof part === "boolean") ? { value: parts.join("") } : undefined,
    );
  },
  "Fn::Select": (args, context, depth) => {
    if (!Array.isArray(args) || args.length !== 2) return undefined;
    return combine(args, context, depth, ([index, list]) => {
      const at = typeof index === "number" ? index : typeof index === "string" && /^\d+$/.test(index) ? Number(index) : NaN;
      return Array.isArray(list) && at >= 0 && at < list.length ? { value: list[at] } : undefined;
    });
  },
  "Fn::Split": (args, context, depth) => {
    if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== "string" || args[0] === "") return undefined;
    const separator = args[0];
    return combine([args[1]], context, depth, ([source]) => (typeof source === "string" ? { value: source.split(separator) } : undefined));
  },
};

/** A `${...}` of a Fn::Sub string: text, or a variable (`Name` or `Resource.Attribute`); `${!x}` is literal. */
type SubPiece = { kind: "text"; text: string } | { kind: "variable"; name: string };

export function subPieces(text: string): SubPiece[] {
  const pieces: SubPiece[] = [];
  let last = 0;
  for (let start = text.indexOf("${"); start >= 0; start = text.indexOf("${", last)) {
    const end = text.indexOf("}", start + 2);
    if (end < 0) break;
    const inner = text.slice(start + 2, end);
    if (start > last) pieces.push({ kind: "text", text: text.slice(last, start) });
    pieces.push(inner.startsWith("!") ? { kind: "text", text: `\${${inner.slice(1)}}` } : { kind: "variable", name: inner.trim() });
    last = end + 1;
  }
  if (last < text.length) pieces.push({ kind: "text", text: text.slice(last) });
  return pieces;
}

function parameterPossibilities(name: string, context: TemplateContext): Possible[] | undefined {
  if (name === NO_VALUE) return [{ value: undefined, when: ALWAYS }];
  const pseudo = own(context.pseudoParameters, name);
  if (typeof pseudo === "string") return [{ value: pseudo, when: ALWAYS }];
  const declaration = own(context.parameterDeclarations, name);
  const type = isObject(declaration) && typeof declaration.Type === "string" ? declaration.Type : "String";
  // CloudFormation reads SSM-typed parameters at deploy time: what the macro sees is the parameter's path.
  if (type.startsWith("AWS::SSM::Parameter::Value<")) return undefined;
  const given = own(context.parameterValues, name);
  const value = given !== undefined ? given : own(declaration, "Default");
  if (value === undefined) return undefined;
  const isList = type === "CommaDelimitedList" || type.startsWith("List<");
  return [{ value: isList && typeof value === "string" ? value.split(",").map((item) => item.trim()) : value, when: ALWAYS }];
}

/** True when `name` is a template parameter CloudFormation resolves from SSM at deploy time. */
export function isSsmParameter(name: string, context: TemplateContext): boolean {
  const declaration = own(context.parameterDeclarations, name);
  return isObject(declaration) && typeof declaration.Type === "string" && declaration.Type.startsWith("AWS::SSM::Parameter::Value<");
}

function listPossibilities(list: unknown[], context: TemplateContext, depth: number): Possible[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (!containsIntrinsic(list, depth)) return [{ value: list, when: ALWAYS }];
  // An AWS::NoValue item is dropped from a list, as CloudFormation does.
  return combine(list, context, depth, (items) => ({ value: items.filter((item) => item !== undefined) }));
}

/**
 * Every combination of the parts' possible values, as `make` turns them into one value (or refuses
 * with undefined). Combinations under contradicting conditions are dropped.
 */
function combine(parts: unknown[], context: TemplateContext, depth: number, make: (values: unknown[]) => { value: unknown } | undefined): Possible[] | undefined {
  let partial: { values: unknown[]; when: When }[] = [{ values: [], when: ALWAYS }];
  for (const part of parts) {
    const options = possibleValues(part, context, depth + 1);
    if (!options) return undefined;
    if (options.length === 1) {
      // The common case, one value: appended in place (each partial owns its list), so a long
      // `Fn::Join` costs time linear in its parts, not quadratic.
      const [option] = options;
      partial = partial.filter((sofar) => {
        const when = merged(sofar.when, option.when);
        if (when === undefined) return false;
        sofar.values.push(option.value);
        sofar.when = when;
        return true;
      });
      continue;
    }
    const next: { values: unknown[]; when: When }[] = [];
    for (const sofar of partial) {
      for (const option of options) {
        const when = merged(sofar.when, option.when);
        if (when) next.push({ values: [...sofar.values, option.value], when });
      }
    }
    if (next.length > MAX_POSSIBILITIES) return undefined;
    partial = next;
  }
  const out: Possible[] = [];
  for (const { values, when } of partial) {
    const made = make(values);
    if (!made) return undefined;
    out.push({ value: made.value, when });
  }
  return out;
}

/** Both sets of conditions at once, or undefined when they contradict each other. */
export function merged(a: When, b: When): When | undefined {
  if (a === ALWAYS) return b;
  if (b === ALWAYS) return a;
  const out: Record<string, boolean> = { ...a };
  for (const key in b) {
    if (hasOwn(out, key) && out[key] !== b[key]) return undefined;
    out[key] = b[key];
  }
  return out;
}

function under(possibles: Possible[], condition: string | When, holds = true): Possible[] {
  const extra: When = typeof condition === "string" ? { [condition]: holds } : condition;
  return possibles.flatMap((p) => {
    const when = merged(p.when, extra);
    return when ? [{ value: p.value, when }] : [];
  });
}

function bounded(possibles: Possible[]): Possible[] | undefined {
  return possibles.length > MAX_POSSIBILITIES ? undefined : possibles;
}

export type Resolved<T = unknown> = { known: true; value: T } | { known: false };
const UNKNOWN: Resolved<never> = { known: false };

/** The value, when every possibility agrees on it. */
export function resolve(value: unknown, context: TemplateContext): Resolved {
  // Literal fast path: most properties the macro reads are plain strings.
  if (typeof value !== "object" || value === null) return { known: true, value };
  const possibles = possibleValues(value, context);
  if (!possibles || possibles.length === 0) return UNKNOWN;
  const first = possibles[0].value;
  return possibles.every((p) => sameJson(p.value, first)) ? { known: true, value: first } : UNKNOWN;
}

/** Resolves to a string (numbers and booleans as text), or undefined when that is not knowable. */
export function resolveString(value: unknown, context: TemplateContext): string | undefined {
  if (typeof value === "string") return value;
  const resolved = resolve(value, context);
  if (!resolved.known) return undefined;
  const v = resolved.value;
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** The possible string values with their conditions, or undefined when one of them is not a known string. */
export function possibleStrings(value: unknown, context: TemplateContext): { value: string; when: When }[] | undefined {
  if (typeof value === "string") return [{ value, when: ALWAYS }];
  const possibles = possibleValues(value, context);
  if (!possibles || !possibles.every((p) => typeof p.value === "string")) return undefined;
  return possibles as { value: string; when: When }[];
}

/**
 * A value as a string template: what can be resolved is resolved, a `Ref` to a resource (or an
 * unresolvable parameter) stays `${Name}`, and `Fn::GetAtt [Name, Attribute]` `${Name.Attribute}`. So
 * `Fn::Sub "/aws/lambda/${Fn}"` and `Fn::Join ["", ["/aws/lambda/", Ref Fn]]` both read
 * "/aws/lambda/${Fn}". Undefined for other shapes.
 */
export function templateString(value: unknown, context: TemplateContext, depth = 0): string | undefined {
  if (typeof value === "string") return value;
  if (depth > MAX_DEPTH) return undefined;
  const resolved = resolveString(value, context);
  if (resolved !== undefined) return resolved;
  const name = intrinsicName(value);
  const args = name === undefined ? undefined : (value as JsonObject)[name];
  if (name === "Ref" && typeof args === "string") return `\${${args}}`;
  // `Fn::GetAtt [Api, ApiId]` (or "Api.ApiId") reads as `${Api.ApiId}`, as `Fn::Sub` writes it.
  if (name === "Fn::GetAtt") {
    const parts = typeof args === "string" ? args.split(".") : Array.isArray(args) ? args : [];
    if (parts.length === 2 && parts.every((part) => typeof part === "string" && /^[A-Za-z0-9]+$/.test(part))) return `\${${parts[0]}.${parts[1]}}`;
    return undefined;
  }
  if (name === "Fn::Sub" && (typeof args === "string" || (Array.isArray(args) && typeof args[0] === "string" && (args.length === 1 || isObject(args[1]))))) {
    // `[text, {Name: value}]`: a variable of the map reads as its value's template string.
    const [text, variables] = typeof args === "string" ? [args, {}] : [args[0] as string, (args[1] ?? {}) as JsonObject];
    const parts: string[] = [];
    for (const piece of subPieces(text)) {
      if (piece.kind === "text") parts.push(piece.text);
      else if (hasOwn(variables, piece.name)) {
        const value = templateString(variables[piece.name], context, depth + 1);
        if (value === undefined) return undefined;
        parts.push(value);
      } else parts.push(resolveString({ Ref: piece.name }, context) ?? `\${${piece.name}}`);
    }
    return parts.join("");
  }
  if (name === "Fn::Join" && Array.isArray(args) && typeof args[0] === "string" && Array.isArray(args[1])) {
    const parts: string[] = [];
    for (const part of args[1]) {
      const text = templateString(part, context, depth + 1);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return parts.join(args[0]);
  }
  return undefined;
}

/** Every string literal inside a value, intrinsic or not (used to spot a name inside `Fn::Sub`); bounded. */
export function stringLeaves(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === "string") out.push(value);
  else if (depth > MAX_DEPTH) return out;
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, out, depth + 1);
  else if (isObject(value)) for (const key in value) stringLeaves(value[key], out, depth + 1);
  return out;
}

/** The logical id a reference points at: `Fn::GetAtt [Id, Attr]`, `Fn::GetAtt "Id.Attr"`, `Fn::Sub "${Id.Attr}"` or `Ref Id`. */
export function referencedLogicalId(value: unknown, attribute?: string): string | undefined {
  const name = intrinsicName(value);
  if (name === undefined) return undefined;
  const args = (value as JsonObject)[name];
  if (name === "Ref") return typeof args === "string" && attribute === undefined ? args : undefined;
  if (name === "Fn::GetAtt") {
    const parts = typeof args === "string" ? splitOnce(args, ".") : Array.isArray(args) ? args : [];
    if (parts.length === 2 && typeof parts[0] === "string" && (attribute === undefined || parts[1] === attribute)) return parts[0];
    return undefined;
  }
  if (name === "Fn::Sub" && typeof args === "string") {
    const match = /^\$\{([A-Za-z0-9]+)\.([A-Za-z0-9]+)\}$/.exec(args);
    if (match && (attribute === undefined || match[2] === attribute)) return match[1];
  }
  return undefined;
}

/**
 * Every logical id a value refers to, anywhere inside it: `Ref X`, `Ref X.Version` (SAM),
 * `Fn::GetAtt [X, ...]` and `${X}` / `${X.Attr}` in `Fn::Sub` text (not the Sub's own variables).
 */
export function referencedIds(value: unknown): string[] {
  const ids = new Set<string>();
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: next, depth } = pending.pop()!;
    if (depth > MAX_DEPTH || typeof next !== "object" || next === null) continue;
    const name = intrinsicName(next);
    const args = name === undefined ? undefined : (next as JsonObject)[name];
    if (name === "Ref" && typeof args === "string") ids.add(args.split(".")[0]);
    else if (name === "Fn::GetAtt") {
      const target = typeof args === "string" ? args.split(".")[0] : Array.isArray(args) ? args[0] : undefined;
      if (typeof target === "string") ids.add(target);
    } else if (name === "Fn::Sub") {
      const text = typeof args === "string" ? args : Array.isArray(args) ? args[0] : undefined;
      const own = Array.isArray(args) && isObject(args[1]) ? args[1] : {};
      if (typeof text === "string") for (const piece of subPieces(text)) if (piece.kind === "variable" && !hasOwn(own, piece.name)) ids.add(piece.name.split(".")[0]);
      if (Array.isArray(args) && isObject(args[1])) pending.push({ value: args[1], depth: depth + 1 });
      continue;
    }
    for (const item of Object.values(next)) pending.push({ value: item, depth: depth + 1 });
  }
  return [...ids];
}

function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** A short, value-free description of a value for messages (never the value itself: it may be a secret). */
export function describeShape(value: unknown): string {
  const name = intrinsicName(value);
  if (name) return name;
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value}`;
}
