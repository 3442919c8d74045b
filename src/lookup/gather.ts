/**
 * Turns the log groups the transform asks about into a small, bounded number of AWS calls: one
 * paginated listing per covering prefix (at most MAX_PREFIXES of them, whatever the template), a few
 * at a time, then the subscription filters of the groups that matter, a bounded number at a time.
 * The trade-off: a prefix shared by unrelated names ("/aws/lambda/") may list groups nobody asked
 * about, a page per 50 of them, where one exact-name call each would list none; but that cost is the
 * account's, paid a few listings at a time, while one call per name grew with the template.
 */
import { LookupOutOfTime, type AccountView, type SubscriptionFilterInfo } from "./account-view";

/** A log group the transform needs to know about: an exact name, or any name a matcher accepts under a prefix. */
export type LogGroupQuery = { name: string } | { prefix: string; matches: (name: string) => boolean };

export interface LogFacts {
  /** Every group the queries found, with its subscription filters. */
  groups: Map<string, SubscriptionFilterInfo[]>;
  /** Physical ids of the stack's resources by logical id, when they were needed (API execution log groups). */
  stackResources?: ReadonlyMap<string, string>;
}

/** Listings (DescribeLogGroups, all pages of one prefix) running at once. */
export const LIST_CONCURRENCY = 4;
/** Subscription filter lookups (DescribeSubscriptionFilters) running at once. */
export const FILTER_LOOKUP_CONCURRENCY = 10;
/** Most prefixes listed for one transform, whatever the number of functions and state machines. */
export const MAX_PREFIXES = 8;

export async function gatherLogFacts(view: AccountView, queries: LogGroupQuery[]): Promise<LogFacts> {
  const groups = new Map<string, SubscriptionFilterInfo[]>();
  if (queries.length === 0) return { groups };
  const exact = new Set<string>();
  const matchers = new PrefixIndex<(name: string) => boolean>();
  for (const query of queries) {
    if ("name" in query) exact.add(query.name);
    else matchers.add(query.prefix, query.matches);
  }
  const prefixes = coveringPrefixes(queries.map((query) => ("name" in query ? query.name : query.prefix)));
  // What is known so far, to say how much was left unchecked if time runs out.
  const listedPrefixes = new Map<string, string[]>();
  const listings = await whileTime(
    mapLimit(prefixes, LIST_CONCURRENCY, async (prefix) => {
      const found = await view.logGroupNames(prefix);
      listedPrefixes.set(prefix, found);
      return found;
    }),
    () => uncheckedQueries(queries, listedPrefixes),
    queries.length,
  );
  const listed = new Set(listings.flat());
  const names = [...listed].filter((name) => exact.has(name) || matchers.lookup(name).some((matches) => matches(name)));
  let fetched = 0;
  const filters = await whileTime(
    mapLimit(names, FILTER_LOOKUP_CONCURRENCY, async (name) => {
      const found = await view.subscriptionFilters(name);
      fetched++;
      return found;
    }),
    () => names.length - fetched,
    queries.length,
  );
  names.forEach((name, i) => groups.set(name, filters[i]));
  return { groups };
}

/** `work`, or, when the lookups ran out of time, the same failure saying how much was left unchecked. */
async function whileTime<T>(work: Promise<T>, unchecked: () => number, total: number): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof LookupOutOfTime)) throw error;
    throw new LookupOutOfTime(error.operation, error.detail, Math.min(total, unchecked()), total);
  }
}

/**
 * During the listings, the only queries checked are those under a prefix already listed that no group
 * matched (the group does not exist); a group found still has its filters to read. Computed once, on
 * failure.
 */
function uncheckedQueries(queries: LogGroupQuery[], listed: ReadonlyMap<string, string[]>): number {
  const checked = queries.filter((query) => {
    const text = "name" in query ? query.name : query.prefix;
    const found = [...listed].find(([prefix]) => text.startsWith(prefix))?.[1];
    if (found === undefined) return false;
    return "name" in query ? !found.includes(query.name) : !found.some((name) => name.startsWith(query.prefix) && query.matches(name));
  });
  return queries.length - checked.length;
}

/**
 * At most `bound` prefixes such that every string starts with exactly one of them (no group is listed
 * twice), each as long as the bound allows. Never the empty prefix, unless a string is empty or more
 * than `bound` strings start with different characters (then nothing else meets the bound).
 *
 * In sorted order the strings one prefix covers are a contiguous run, and the longest prefix a run
 * shares is the smallest common-prefix length between neighbours inside it. So:
 *  1. sort, and drop strings that start with another (already covered);
 *  2. join neighbours whose common prefix reaches into a dash of its last path segment: names of one
 *     stack ("/aws/lambda/orders-Api", "/aws/lambda/orders-Worker-") are listed once, under
 *     "/aws/lambda/orders-", as CloudFormation names a stack's functions "<stack>-<logical id>-<suffix>";
 *  3. if more than `bound` runs remain, join across every boundary whose common prefix is at least T,
 *     with T the largest length that leaves at most `bound` runs: the groups whose common prefix is
 *     longest are merged first, so each listing stays as narrow as the bound allows. Boundaries of
 *     equal length are joined together, so no run's prefix covers another run.
 * Cost: the sort, O(n log n) comparisons of strings, plus linear passes over the characters.
 */
export function coveringPrefixes(strings: string[], bound = MAX_PREFIXES): string[] {
  const kept = withoutCovered([...new Set(strings)].sort());
  if (kept.length <= 1) return kept;

  // lcp[i]: common prefix length of kept[i] and kept[i + 1]; joined[i]: they share a prefix.
  const lcp = kept.slice(1).map((text, i) => commonPrefixLength(kept[i], text));
  const joined = lcp.map((length, i) => sharesStackPrefix(kept[i], length));
  const open = lcp.filter((_, i) => !joined[i]).sort((a, b) => a - b);
  if (open.length + 1 > bound) {
    // Joining every boundary of length >= T leaves (open lengths < T) + 1 runs: T is the bound-th
    // smallest open length. T is 0 (everything under "") only when more than `bound` strings start
    // with different characters, as no other way meets the bound then.
    const threshold = open[Math.max(bound, 1) - 1];
    lcp.forEach((length, i) => (joined[i] ||= length >= threshold));
  }

  const prefixes: string[] = [];
  let start = 0;
  let shortest = Infinity;
  for (let i = 0; i < kept.length; i++) {
    if (i < lcp.length && joined[i]) {
      shortest = Math.min(shortest, lcp[i]);
      continue;
    }
    prefixes.push(shortest === Infinity ? kept[start] : kept[start].slice(0, shortest));
    start = i + 1;
    shortest = Infinity;
  }
  // A run joined by step 2 can cover a neighbouring run when a "/" follows the dash ("/x/a-" and
  // "/x/a-b/c"): keep only the outer prefix.
  return withoutCovered(prefixes.sort());
}

/** The sorted strings that start with no other: in sorted order, those that do follow the one they start with. */
function withoutCovered(sorted: string[]): string[] {
  const kept: string[] = [];
  for (const text of sorted) if (kept.length === 0 || !text.startsWith(kept[kept.length - 1])) kept.push(text);
  return kept;
}

function commonPrefixLength(a: string, b: string): number {
  const end = Math.min(a.length, b.length);
  let i = 0;
  while (i < end && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** True when text's first `length` characters end past a dash of their last path segment ("/aws/lambda/shop-"). */
function sharesStackPrefix(text: string, length: number): boolean {
  const segment = text.lastIndexOf("/", length - 1) + 1;
  const dash = text.indexOf("-", segment);
  return dash >= 0 && dash < length;
}

/**
 * Query prefixes by value, to find every prefix a name starts with in O(log n) comparisons plus the
 * few nested prefixes of that name, instead of testing every query against every listed group.
 */
export class PrefixIndex<T> {
  private readonly entries = new Map<string, T[]>();
  private sorted: string[] | undefined;
  /** parent[i]: index of the longest other prefix that sorted[i] starts with, or -1. */
  private parent: number[] = [];

  add(prefix: string, value: T): void {
    const values = this.entries.get(prefix);
    if (values) values.push(value);
    else this.entries.set(prefix, [value]);
    this.sorted = undefined;
  }

  /** The values of every prefix `name` starts with. */
  lookup(name: string): T[] {
    const sorted = this.index();
    // The last prefix <= name; every prefix of name is it or one of its parents.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle] <= name) low = middle + 1;
      else high = middle;
    }
    const found: T[] = [];
    for (let i = low - 1; i >= 0; i = this.parent[i]) if (name.startsWith(sorted[i])) found.push(...this.entries.get(sorted[i])!);
    return found;
  }

  private index(): string[] {
    if (this.sorted) return this.sorted;
    const sorted = [...this.entries.keys()].sort();
    const chain: number[] = [];
    this.parent = sorted.map((prefix, i) => {
      while (chain.length > 0 && !prefix.startsWith(sorted[chain[chain.length - 1]])) chain.pop();
      const parent = chain.length > 0 ? chain[chain.length - 1] : -1;
      chain.push(i);
      return parent;
    });
    return (this.sorted = sorted);
  }
}

/**
 * Runs `work` on every item with at most `limit` in flight; results keep the items' order. After a
 * failure no further item is started: its outcome is the failure, and more calls would only spend the
 * account's allowance.
 */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, worker));
  return results;
}
