/**
 * Turns the log groups the transform asks about into as few AWS calls as possible: one paginated
 * listing per distinct prefix (not one per function), then the subscription filters of the groups
 * that matter, a bounded number at a time.
 */
import type { AccountView, SubscriptionFilterInfo } from "./account-view";

/** A log group the transform needs to know about: an exact name, or any name a matcher accepts under a prefix. */
export type LogGroupQuery = { name: string } | { prefix: string; matches: (name: string) => boolean };

export interface LogFacts {
  /** Every group the queries found, with its subscription filters. */
  groups: Map<string, SubscriptionFilterInfo[]>;
}

export const FILTER_LOOKUP_CONCURRENCY = 10;

export async function gatherLogFacts(view: AccountView, queries: LogGroupQuery[]): Promise<LogFacts> {
  const groups = new Map<string, SubscriptionFilterInfo[]>();
  if (queries.length === 0) return { groups };
  const prefixes = coveringPrefixes(queries.map((query) => ("name" in query ? query.name : query.prefix)));
  const listed = (await Promise.all(prefixes.map((prefix) => view.logGroupNames(prefix)))).flat();
  const wanted = new Set(listed.filter((name) => queries.some((query) => ("name" in query ? query.name === name : name.startsWith(query.prefix) && query.matches(name)))));
  const names = [...wanted];
  const filters = await mapLimit(names, FILTER_LOOKUP_CONCURRENCY, (name) => view.subscriptionFilters(name));
  names.forEach((name, i) => groups.set(name, filters[i]));
  return { groups };
}

/**
 * A small set of prefixes covering every string: strings that share a root (the path up to the first
 * dash of the last segment, e.g. "/aws/lambda/mystack-") are listed once, under their longest common prefix.
 */
export function coveringPrefixes(strings: string[]): string[] {
  const byRoot = new Map<string, string[]>();
  for (const text of new Set(strings)) {
    const lastSlash = text.lastIndexOf("/");
    const dash = text.indexOf("-", lastSlash + 1);
    const root = dash < 0 ? text : text.slice(0, dash + 1);
    byRoot.set(root, [...(byRoot.get(root) ?? []), text]);
  }
  return [...byRoot.values()].map(commonPrefix).sort();
}

function commonPrefix(strings: string[]): string {
  let prefix = strings[0];
  for (const text of strings) {
    let i = 0;
    while (i < prefix.length && i < text.length && prefix[i] === text[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** Runs `work` on every item with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
