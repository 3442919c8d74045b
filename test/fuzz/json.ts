/**
 * JSON helpers that are safe with any key: a key such as `__proto__` or `constructor` is always an own
 * property (written with defineProperty, never by assignment, which would change a prototype).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export function isMap(value: unknown): value is JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy as Lambda would give it: JSON in, JSON out (own `__proto__` keys stay own keys). */
export function copy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

export function setKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function hasKey(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

export function getKey(target: unknown, key: string | number): unknown {
  if (Array.isArray(target) && typeof key === "number") return target[key];
  if (isMap(target) && hasKey(target, String(key))) return target[String(key)];
  return undefined;
}

export function getPath(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = getKey(node, key);
  return node;
}

/** Replaces (or deletes, with `undefined`) the value at `path` inside `root`, in place. */
export function setPath(root: unknown, path: Path, value: unknown): void {
  const parent = getPath(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === "number") {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value as Json;
  } else if (isMap(parent)) {
    if (value === undefined) delete parent[String(key)];
    else setKey(parent, String(key), value);
  }
}

/** Every path under `root` (pre-order, `root` itself excluded), down to `maxDepth` levels. */
export function allPaths(root: unknown, maxDepth = 40, prefix: Path = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (node: unknown, path: Array<string | number>) => {
    if (path.length >= maxDepth) return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push([...path, i]);
        walk(child, [...path, i]);
      });
    } else if (isMap(node)) {
      for (const key of Object.keys(node)) {
        out.push([...path, key]);
        walk(node[key], [...path, key]);
      }
    }
  };
  walk(root, [...prefix]);
  return out;
}

/** JSON with keys sorted at every level: equal for equal data whatever the key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, node) => {
    if (!isMap(node)) return node;
    const sorted = Object.create(null);
    for (const key of Object.keys(node).sort()) sorted[key] = node[key];
    return sorted;
  });
}

export function size(value: unknown): number {
  return value === undefined ? 0 : JSON.stringify(value).length;
}
