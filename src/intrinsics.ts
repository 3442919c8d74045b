/**
 * The one module that reads and writes CloudFormation intrinsic functions.
 * Every other module asks here instead of looking for `Ref` / `Fn::*` keys itself.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Parameter values known at transform time: the event's `templateParameterValues` and the template's `Parameters`. */
export interface TemplateContext {
  parameterValues: Record<string, unknown>;
  parameterDeclarations: Record<string, unknown>;
  mappings: Record<string, unknown>;
  /** Pseudo parameters known from the macro request (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`, ...). */
  pseudoParameters?: Record<string, string>;
}

export const NO_VALUE = "AWS::NoValue";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A one-key object whose key is `Ref`, `Condition` or `Fn::*` is an intrinsic function. */
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

export function isNoValue(value: unknown): boolean {
  return isObject(value) && intrinsicName(value) === "Ref" && value.Ref === NO_VALUE;
}

export type Resolved<T = unknown> = { known: true; value: T } | { known: false };
const UNKNOWN: Resolved<never> = { known: false };

/**
 * Resolves a value to a literal when that is possible at transform time: literals, `Ref` to a template
 * or pseudo parameter, `Fn::If` whose branches agree, `Fn::FindInMap` with resolvable keys, and
 * `Fn::Join` / `Fn::Sub` whose parts resolve.
 */
export function resolve(value: unknown, context: TemplateContext, depth = 0): Resolved {
  if (depth > 20) return UNKNOWN;
  const name = intrinsicName(value);
  if (name === undefined) {
    if (containsIntrinsic(value)) return UNKNOWN;
    return { known: true, value };
  }
  const args = (value as JsonObject)[name];
  switch (name) {
    case "Ref":
      return typeof args === "string" ? resolveParameter(args, context) : UNKNOWN;
    case "Fn::If": {
      if (!Array.isArray(args) || args.length !== 3) return UNKNOWN;
      const whenTrue = resolve(args[1], context, depth + 1);
      const whenFalse = resolve(args[2], context, depth + 1);
      if (whenTrue.known && whenFalse.known && sameJson(whenTrue.value, whenFalse.value)) return whenTrue;
      return UNKNOWN;
    }
    case "Fn::FindInMap": {
      if (!Array.isArray(args) || args.length < 3) return UNKNOWN;
      const keys = args.slice(0, 3).map((arg) => resolve(arg, context, depth + 1));
      if (!keys.every((key) => key.known && typeof key.value === "string")) return UNKNOWN;
      const [map, top, second] = keys.map((key) => (key as { value: string }).value);
      const found = lookup(context.mappings, [map, top, second]);
      return found === undefined ? UNKNOWN : { known: true, value: found };
    }
    case "Fn::Join": {
      if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== "string") return UNKNOWN;
      const list = Array.isArray(args[1]) ? { known: true, value: args[1] } : resolve(args[1], context, depth + 1);
      if (!list.known || !Array.isArray(list.value)) return UNKNOWN;
      const parts = list.value.map((part: unknown) => resolveString(part, context));
      return parts.every((part) => part !== undefined) ? { known: true, value: parts.join(args[0]) } : UNKNOWN;
    }
    case "Fn::Sub": {
      const [text, variables] = typeof args === "string" ? [args, {}] : Array.isArray(args) ? args : [undefined, undefined];
      if (typeof text !== "string" || !isObject(variables)) return UNKNOWN;
      return substitute(text, variables, context);
    }
    default:
      return UNKNOWN;
  }
}

/** Resolves to a string, or undefined when the value is not (or not knowably) a string. */
export function resolveString(value: unknown, context: TemplateContext): string | undefined {
  const resolved = resolve(value, context);
  if (!resolved.known) return undefined;
  if (typeof resolved.value === "string") return resolved.value;
  if (typeof resolved.value === "number" || typeof resolved.value === "boolean") return String(resolved.value);
  return undefined;
}

/** `${Name}` from the Sub's own variables, else a template or pseudo parameter; `${!Literal}` escapes. */
function substitute(text: string, variables: JsonObject, context: TemplateContext): Resolved {
  let unknown = false;
  const value = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const resolved = name in variables ? resolveString(variables[name], context) : resolveString({ Ref: name }, context);
    if (resolved === undefined) unknown = true;
    return resolved ?? whole;
  });
  return unknown ? UNKNOWN : { known: true, value };
}

function resolveParameter(name: string, context: TemplateContext): Resolved {
  const pseudo = context.pseudoParameters?.[name];
  if (pseudo !== undefined) return { known: true, value: pseudo };
  if (Object.prototype.hasOwnProperty.call(context.parameterValues, name)) {
    return { known: true, value: context.parameterValues[name] };
  }
  const declaration = context.parameterDeclarations[name];
  if (isObject(declaration) && declaration.Default !== undefined) {
    return { known: true, value: declaration.Default };
  }
  return UNKNOWN;
}

function lookup(root: unknown, path: string[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isObject(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (!isObject(value)) return false;
  if (isIntrinsic(value)) return true;
  return Object.values(value).some(containsIntrinsic);
}

/**
 * A value as a string template: what can be resolved is resolved, a `Ref` to a resource (or an
 * unresolvable parameter) stays `${Name}`. So `Fn::Sub "/aws/lambda/${Fn}"` and
 * `Fn::Join ["", ["/aws/lambda/", Ref Fn]]` both read "/aws/lambda/${Fn}". Undefined for other shapes.
 */
export function templateString(value: unknown, context: TemplateContext): string | undefined {
  if (typeof value === "string") return value;
  const resolved = resolveString(value, context);
  if (resolved !== undefined) return resolved;
  const name = intrinsicName(value);
  const args = name === undefined ? undefined : (value as JsonObject)[name];
  if (name === "Ref" && typeof args === "string") return `\${${args}}`;
  if (name === "Fn::Sub" && typeof args === "string") {
    return args.replace(/\$\{([^}!][^}]*)\}/g, (whole, variable: string) => resolveString({ Ref: variable }, context) ?? whole);
  }
  if (name === "Fn::Join" && Array.isArray(args) && typeof args[0] === "string" && Array.isArray(args[1])) {
    const parts = args[1].map((part) => templateString(part, context));
    return parts.every((part) => part !== undefined) ? parts.join(args[0]) : undefined;
  }
  return undefined;
}

/** Collects every string literal inside a value, intrinsic or not (used to spot a name inside `Fn::Sub`). */
export function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => stringLeaves(item, out));
  else if (isObject(value)) Object.values(value).forEach((item) => stringLeaves(item, out));
  return out;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Returned by `editBranches` when a value (or a branch) is an intrinsic that cannot be edited. */
export const CANNOT_EDIT: unique symbol = Symbol("cannot edit");

/**
 * Writes into a value that may be an `Fn::If`: `edit` is applied to each branch (recursively, for
 * nested `Fn::If`). A branch that is `AWS::NoValue` reaches `edit` as undefined, so a property absent in
 * one branch can be created there. `edit` returns its argument itself when it changes nothing, and then
 * so does `editBranches`: callers compare by identity instead of serialising.
 * Returns CANNOT_EDIT when the value (or a branch) is another intrinsic, or `edit` returns CANNOT_EDIT.
 */
export function editBranches(value: unknown, edit: (branch: unknown) => unknown): unknown {
  if (value === undefined || isNoValue(value)) {
    const edited = edit(undefined);
    return edited === undefined ? value : edited;
  }
  const name = intrinsicName(value);
  if (name === undefined) return edit(value);
  if (name !== "Fn::If") return CANNOT_EDIT;
  const args = (value as JsonObject)["Fn::If"];
  if (!Array.isArray(args) || args.length !== 3) return CANNOT_EDIT;
  const whenTrue = editBranches(args[1], edit);
  const whenFalse = editBranches(args[2], edit);
  if (whenTrue === CANNOT_EDIT || whenFalse === CANNOT_EDIT) return CANNOT_EDIT;
  if (whenTrue === args[1] && whenFalse === args[2]) return value;
  return { "Fn::If": [args[0], (whenTrue ?? { Ref: NO_VALUE }) as Json, (whenFalse ?? { Ref: NO_VALUE }) as Json] };
}

/**
 * The literal branches of a possibly `Fn::If` value (an absent or `AWS::NoValue` branch as undefined),
 * or undefined when the value or a branch is another intrinsic.
 */
export function literalBranches(value: unknown): unknown[] | undefined {
  if (value === undefined || intrinsicName(value) === undefined) return [value];
  const branches: unknown[] = [];
  const edited = editBranches(value, (branch) => {
    branches.push(branch);
    return branch;
  });
  return edited === CANNOT_EDIT ? undefined : branches;
}

/** The logical id a role reference points at: `Fn::GetAtt [Id, Arn]`, `Fn::GetAtt "Id.Arn"`, `Fn::Sub "${Id.Arn}"` or `Ref Id`. */
export function referencedLogicalId(value: unknown, attribute?: string): string | undefined {
  const name = intrinsicName(value);
  if (name === undefined) return undefined;
  const args = (value as JsonObject)[name];
  if (name === "Ref") return typeof args === "string" && attribute === undefined ? args : undefined;
  if (name === "Fn::GetAtt") {
    const parts = typeof args === "string" ? splitOnce(args, ".") : Array.isArray(args) ? args : [];
    if (parts.length === 2 && typeof parts[0] === "string" && (attribute === undefined || parts[1] === attribute)) {
      return parts[0];
    }
    return undefined;
  }
  if (name === "Fn::Sub" && typeof args === "string") {
    const match = /^\$\{([A-Za-z0-9]+)\.([A-Za-z0-9]+)\}$/.exec(args);
    if (match && (attribute === undefined || match[2] === attribute)) return match[1];
  }
  return undefined;
}

function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** A short, value-free description of a value for warnings (never the value itself: it may be a secret). */
export function describeShape(value: unknown): string {
  const name = intrinsicName(value);
  if (name) return name;
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value}`;
}
