/**
 * Minimises a failing case while it still breaks the same promise: drops resources (halves first, then
 * one by one), then any key or list item, then simplifies values (shorter strings, null, 0, {}).
 */
import { allPaths, copy, getPath, isMap, setPath, size, type Json, type Path } from "./json";
import type { FuzzCase } from "./mutate";

export interface ShrinkOptions {
  /** Most candidate cases to try. */
  budget: number;
  /** Give up after this many milliseconds. */
  deadline: number;
}

/** Paths the shrinker must keep: the case's structure and the canary (what the secret check looks for). */
function kept(path: Path): boolean {
  const [top, second] = path;
  if (top === "canary") return true;
  if (path.length === 1) return top === "event" || top === "env" || top === "account";
  return top === "account" && path.length === 2 && (second === "groups" || second === "stackResources");
}

export async function shrink(start: FuzzCase, stillFails: (c: FuzzCase) => Promise<boolean>, options: ShrinkOptions): Promise<{ fuzzCase: FuzzCase; tries: number }> {
  let best = copy(start);
  let tries = 0;
  const until = Date.now() + options.deadline;
  const left = () => tries < options.budget && Date.now() < until;
  const attempt = async (candidate: FuzzCase): Promise<boolean> => {
    tries++;
    if (await stillFails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  // 1. Resources in chunks (delta debugging), then each.
  for (let chunk = 64; chunk >= 1 && left(); chunk = Math.floor(chunk / 2)) {
    let progress = true;
    while (progress && left()) {
      progress = false;
      const resources = isMap(best.fragment) && isMap(best.fragment.Resources) ? Object.keys(best.fragment.Resources) : [];
      for (let i = 0; i < resources.length && left(); i += chunk) {
        const candidate = copy(best);
        const target = (candidate.fragment as { Resources: Record<string, Json> }).Resources;
        for (const id of resources.slice(i, i + chunk)) delete target[id];
        if (await attempt(candidate)) {
          progress = true;
          break;
        }
      }
    }
  }

  // 2. Any key or list item, then 3. simpler values; repeated while something gets smaller.
  let progress = true;
  while (progress && left()) {
    progress = false;
    for (const mode of ["delete", "simplify"] as const) {
      const paths = allPaths(best, 200).filter((path) => !kept(path));
      // Shallow paths first: dropping a big subtree at once is cheapest.
      paths.sort((a, b) => a.length - b.length);
      for (const path of paths) {
        if (!left()) break;
        const current = getPath(best, path) as Json;
        if (getPath(best, path.slice(0, -1)) === undefined) continue;
        const candidates = mode === "delete" ? [undefined] : simpler(current);
        let changed = false;
        for (const value of candidates) {
          const candidate = copy(best);
          setPath(candidate, path as Path, value);
          if (size(candidate) >= size(best) && mode === "simplify") continue;
          if (await attempt(candidate)) {
            changed = true;
            break;
          }
        }
        if (changed) {
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return { fuzzCase: best, tries };
}

/** Simpler values to try in place of `value`, simplest first. */
function simpler(value: Json): Json[] {
  if (typeof value === "string") {
    // Short strings stay readable (a region, an id); long ones are cut.
    const out: Json[] = [""];
    if (value.length > 32) out.push(value.slice(0, 16), value.slice(0, Math.floor(value.length / 2)));
    return out;
  }
  if (typeof value === "number") return value === 0 ? [] : [0];
  if (Array.isArray(value)) return value.length > 0 ? [[], ...value.filter((item) => item !== null && typeof item !== "object")] : [];
  if (isMap(value)) return Object.keys(value).length > 0 ? [{}, null] : [null];
  return [];
}
