/**
 * JSON values as CloudFormation templates hold them, and the only ways the macro reads or writes a key
 * a template supplies: own properties, so a name such as `constructor` or `__proto__` is just a name.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Nesting deeper than this is not followed by any walker: the value is treated as unreadable. */
export const MAX_DEPTH = 64;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasOwn(object: object, key: string): boolean {
  return hasOwnProperty.call(object, key);
}

/** The object's own value for `key` (never an inherited one such as `Object.prototype.valueOf`). */
export function own(object: unknown, key: string): unknown {
  return isObject(object) && hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Sets an own, enumerable property, even for `__proto__` (an assignment would change the prototype). */
export function setOwn(object: JsonObject, key: string, value: Json): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/**
 * A shallow copy to add keys to. `Object.assign` makes copies that take new keys far faster than a
 * spread does in V8; only a source with an own `__proto__` key needs the spread (an assignment of that
 * key would change the copy's prototype instead of copying it).
 */
export function shallowCopy<T extends object>(source: T): T {
  return hasOwnProperty.call(source, "__proto__") ? { ...source } : Object.assign({}, source);
}

/**
 * A shallow copy of a large map (a template's Resources): a for-in copy is about twice as fast as
 * `Object.assign` for the dictionary-mode objects JSON.parse makes of large maps.
 */
export function copyLargeMap(source: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const key in source) {
    if (key === "__proto__") setOwn(copy, key, source[key]);
    else copy[key] = source[key];
  }
  return copy;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
