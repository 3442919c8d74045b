import { Readable } from "node:stream";
import { fakeClock } from "../helpers/clock";
import fc from "fast-check";
import { LookupOutOfTime, offlineAccountView, type AccountView, type SubscriptionFilterInfo } from "../../src/lookup/account-view";
import { cloudWatchAccountView, DeadlineReached, isRetryable, isThrottling, limiter, MAX_IN_FLIGHT, withRetries } from "../../src/lookup/cloudwatch";
import {
  BACKOFF,
  backoffDelay,
  DEFAULT_RATES,
  deadlineFor,
  MIN_RATE,
  RECOVERY_SHARE,
  DEFAULT_LOOKUP_BUDGET_MS,
  RESPONSE_MARGIN_MS,
  THROTTLED_RATE_FACTOR,
  TokenBucket,
  type Clock,
} from "../../src/lookup/pacing";
import {
  coveringPrefixes,
  FILTER_LOOKUP_CONCURRENCY,
  gatherLogFacts,
  LIST_CONCURRENCY,
  mapLimit,
  MAX_PREFIXES,
  PrefixIndex,
  type LogGroupQuery,
} from "../../src/lookup/gather";
import { generatedNamePrefix, matchesGeneratedName } from "../../src/forwarder/names";
import { handler, respond } from "../../src/index";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** An offline view that counts the calls made to it, and the most ever in flight at once. */
function counting(groups: Record<string, SubscriptionFilterInfo[]>) {
  const calls = { list: 0, filters: 0 };
  const inFlight = { now: 0, most: 0, mostListing: 0, mostFilters: 0 };
  const inner = offlineAccountView(groups);
  async function track<T>(kind: "mostListing" | "mostFilters", work: () => Promise<T>): Promise<T> {
    inFlight.now++;
    inFlight.most = Math.max(inFlight.most, inFlight.now);
    inFlight[kind] = Math.max(inFlight[kind], inFlight.now);
    try {
      await tick(); // a real call takes time: let the others start meanwhile
      return await work();
    } finally {
      inFlight.now--;
    }
  }
  const view: AccountView = {
    logGroupNames: (prefix) => (calls.list++, track("mostListing", () => inner.logGroupNames(prefix))),
    subscriptionFilters: (name) => (calls.filters++, track("mostFilters", () => inner.subscriptionFilters(name))),
    stackResourceIds: (stackName) => inner.stackResourceIds(stackName),
    layerVersionExists: (arn) => inner.layerVersionExists(arn),
  };
  return { view, calls, inFlight };
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => `OrdersFn${i + 1}`);
/** The queries the forwarder makes for functions without FunctionName (see queryFor). */
const generated = (stack: string, logicalIds: string[]): LogGroupQuery[] =>
  logicalIds.map((id) => ({ prefix: generatedNamePrefix(stack, id), matches: (name: string) => matchesGeneratedName(name, stack, id) }));
const LONG_STACK = "a-very-long-stack-name-for-the-orders-service-in-production";

/** Every string starts with exactly one prefix; the empty prefix only when the bound leaves no choice. */
function expectCovering(strings: string[], prefixes: string[], bound = MAX_PREFIXES) {
  expect(prefixes.length).toBeLessThanOrEqual(bound);
  for (const text of strings) expect(prefixes.filter((prefix) => text.startsWith(prefix))).toHaveLength(1);
  for (const prefix of prefixes) expect(prefixes.filter((other) => prefix.startsWith(other))).toEqual([prefix]);
  if (prefixes.includes("") && !strings.includes("")) expect(new Set(strings.map((text) => text[0])).size).toBeGreaterThan(bound);
}

describe("covering prefixes", () => {
  test("names sharing a stack prefix are listed once, under their common prefix", () => {
    const names = Array.from({ length: 200 }, (_, i) => `/aws/lambda/shop-Function${i}`);
    expect(coveringPrefixes(names)).toEqual(["/aws/lambda/shop-Function"]);
    expect(coveringPrefixes(["/aws/lambda/a-x", "/aws/lambda/b-y", "/aws/vendedlogs/states/M-Logs"])).toEqual([
      "/aws/lambda/a-x",
      "/aws/lambda/b-y",
      "/aws/vendedlogs/states/M-Logs",
    ]);
  });

  test("generated names of 200 functions collapse to one prefix, whatever the stack name", () => {
    for (const stack of ["orders", "ordersstack", "orders-prod-eu-west-1", LONG_STACK]) {
      const prefixes = generated(stack, ids(200)).map((query) => ("prefix" in query ? query.prefix : query.name));
      expect(coveringPrefixes(prefixes)).toHaveLength(1);
      expectCovering(prefixes, coveringPrefixes(prefixes));
    }
    expect(coveringPrefixes(generated("orders", ids(200)).map((q) => ("prefix" in q ? q.prefix : "")))).toEqual(["/aws/lambda/orders-OrdersFn"]);
    // Truncated names: only the start of the stack name is certain, and it covers the others.
    const mixed = [...generated(LONG_STACK, ["A"]), ...generated(LONG_STACK, ["ProcessIncomingOrdersFunction"])];
    expect(coveringPrefixes(mixed.map((q) => ("prefix" in q ? q.prefix : "")))).toEqual(["/aws/lambda/a-very-lon"]);
  });

  test("names without dashes are grouped too, within the bound", () => {
    const names = ids(200).map((id) => `/aws/lambda/${id}`);
    expect(coveringPrefixes(names)).toEqual(["/aws/lambda/OrdersFn"]);
    // 19 strings in 8 prefixes: the groups whose common prefix is longest are merged first.
    const others = ["Billing", "Cart", "Delivery", "Email", "Fraud"].flatMap((n) => [`/aws/lambda/${n}Api`, `/aws/lambda/${n}Worker`]);
    const prefixes = coveringPrefixes([...names, ...others]);
    expectCovering([...names, ...others], prefixes);
    expect(prefixes).toEqual(["Billing", "CartApi", "CartWorker", "Delivery", "Email", "Fraud", "OrdersFn"].map((p) => `/aws/lambda/${p}`));
    // Ten names that share nothing past "/aws/lambda/": one listing of it, rather than eleven.
    const unrelated = "BCDEFGHIJK".split("").map((c) => `/aws/lambda/${c}x`);
    expect(coveringPrefixes([...names, ...unrelated])).toEqual(["/aws/lambda/"]);
  });

  test("functions and state machines, generated and named, stay within the bound", () => {
    const strings = [
      ...generated("orders", ids(300)).map((q) => ("prefix" in q ? q.prefix : "")),
      ...ids(50).map((id) => `/aws/lambda/${id.toLowerCase()}`),
      ...ids(40).map((id) => `/aws/vendedlogs/states/orders-${id}Machine-Logs`),
      ...ids(40).map((id) => `${id}MachineLogs`),
      ...ids(30).map((id) => `/custom/${id}/logs`),
    ];
    const prefixes = coveringPrefixes(strings);
    expectCovering(strings, prefixes);
    expect(prefixes).not.toContain("");
  });

  test("the empty prefix only when more than the bound of strings start with different characters", () => {
    const starts = "abcdefghijkl".split("").map((c) => `${c}-logs`);
    expect(coveringPrefixes(starts.slice(0, MAX_PREFIXES))).not.toContain("");
    expect(coveringPrefixes(starts)).toEqual([""]);
    expect(coveringPrefixes([])).toEqual([]);
    expect(coveringPrefixes(["/aws/lambda/x", "/aws/lambda/x"])).toEqual(["/aws/lambda/x"]);
  });

  test("any strings: at most the bound, every string covered once, no prefix inside another", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "-", "/"), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (strings, bound) => {
        expectCovering(strings, coveringPrefixes(strings, bound), bound);
      }),
      { numRuns: 300 },
    );
  });

  test("thousands of long names are handled in one pass", () => {
    const strings = Array.from({ length: 20_000 }, (_, i) => `/aws/lambda/${"x".repeat(400)}-${i.toString(36)}-${"y".repeat(80)}`);
    expect(coveringPrefixes(strings)).toEqual([`/aws/lambda/${"x".repeat(400)}-`]);
  });
});

describe("gathering log facts", () => {
  test("filters are fetched only for groups that exist and were asked about", async () => {
    const groups = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`/aws/lambda/shop-F${i}`, []]));
    groups["/aws/lambda/shop-Unrelated"] = [];
    const { view, calls } = counting(groups);
    const queries = Array.from({ length: 100 }, (_, i) => ({ name: `/aws/lambda/shop-F${i}` }));
    const facts = await gatherLogFacts(view, queries);
    expect(calls).toEqual({ list: 1, filters: 50 });
    expect(facts.groups.size).toBe(50);
  });

  test.each(["orders", "ordersstack", "orders-prod", LONG_STACK])(
    "200 functions OrdersFn1..OrdersFn200 without FunctionName, stack %s, no group yet: at most 10 calls, a bounded number at once",
    async (stack) => {
      const { view, calls, inFlight } = counting({});
      const facts = await gatherLogFacts(view, generated(stack, ids(200)));
      expect(facts.groups.size).toBe(0);
      expect(calls.list + calls.filters).toBeLessThanOrEqual(10);
      expect(inFlight.most).toBeLessThanOrEqual(LIST_CONCURRENCY);
    },
  );

  test("200 functions named OrdersFn1..OrdersFn200 (no dash), no group yet: at most 10 calls, a bounded number at once", async () => {
    const { view, calls, inFlight } = counting({});
    await gatherLogFacts(view, ids(200).map((id) => ({ name: `/aws/lambda/${id}` })));
    expect(calls.list + calls.filters).toBeLessThanOrEqual(10);
    expect(inFlight.most).toBeLessThanOrEqual(LIST_CONCURRENCY);
  });

  test("many unrelated exact names: listings stay within the bound, a bounded number at once", async () => {
    const random = fc.sample(fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."), minLength: 1, maxLength: 30 }), { numRuns: 500, seed: 7 });
    const names = [...random.map((n) => `/aws/lambda/${n}`), ...random.slice(0, 100).map((n) => `/aws/vendedlogs/states/${n}`), ...random.slice(0, 50)];
    const { view, calls, inFlight } = counting({});
    await gatherLogFacts(view, names.map((name) => ({ name })));
    expect(calls.list).toBeLessThanOrEqual(MAX_PREFIXES);
    expect(inFlight.most).toBeLessThanOrEqual(LIST_CONCURRENCY);
  });

  test("when groups exist, every one asked about is found with its filters, and no other", async () => {
    const forwarder = { filterName: "datadog", destinationArn: "arn:aws:lambda:us-east-1:1:function:fwd" };
    const elsewhere = { filterName: "other", destinationArn: "arn:aws:firehose:us-east-1:1:deliverystream/x" };
    const account: Record<string, SubscriptionFilterInfo[]> = {};
    const expected = new Map<string, SubscriptionFilterInfo[]>();
    ids(200).forEach((id, i) => {
      const name = `/aws/lambda/orders-${id}-ABCDEFGHIJKL`;
      account[name] = i % 3 === 0 ? [forwarder] : i % 3 === 1 ? [elsewhere, forwarder] : [];
      expected.set(name, account[name]);
    });
    ids(50).forEach((id, i) => {
      account[`/aws/lambda/${id}`] = i % 2 ? [elsewhere] : [];
      expected.set(`/aws/lambda/${id}`, account[`/aws/lambda/${id}`]);
    });
    // Look-alikes that belong to no query: another stack, a longer logical id, a suffix too short, an unasked name.
    for (const decoy of ["/aws/lambda/other-OrdersFn1-ABCDEFGHIJKL", "/aws/lambda/orders-OrdersFn1x-ABCDEFGHIJKL", "/aws/lambda/orders-OrdersFn2-short", "/aws/lambda/OrdersFn51", "/aws/lambda/OrdersFn1x"]) {
      account[decoy] = [forwarder];
    }
    const { view, calls, inFlight } = counting(account);
    const queries = [...generated("orders", ids(200)), ...ids(50).map((id) => ({ name: `/aws/lambda/${id}` }))];
    const facts = await gatherLogFacts(view, queries);
    expect(new Map([...facts.groups].sort())).toEqual(new Map([...expected].sort()));
    expect(calls.list).toBeLessThanOrEqual(MAX_PREFIXES);
    expect(calls.filters).toBe(expected.size);
    expect(inFlight.mostListing).toBeLessThanOrEqual(LIST_CONCURRENCY);
    expect(inFlight.mostFilters).toBeLessThanOrEqual(FILTER_LOOKUP_CONCURRENCY);
  });

  test("mapLimit keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  test("mapLimit starts nothing more after a failure", async () => {
    const started: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    const failure = mapLimit(items, 3, async (n) => {
      started.push(n);
      await tick();
      if (n === 4) throw new Error("failed");
      return n;
    });
    await expect(failure).rejects.toThrow("failed");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started.length).toBeLessThan(8);
  });

  test("a prefix index finds every prefix a name starts with", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "-"), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), fc.array(text, { maxLength: 30 }), (prefixes, names) => {
        const index = new PrefixIndex<string>();
        prefixes.forEach((prefix) => index.add(prefix, prefix));
        for (const name of names) {
          expect(index.lookup(name).sort()).toEqual(prefixes.filter((prefix) => name.startsWith(prefix)).sort());
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("generated function names", () => {
  test("match <stack>-<logical id>-<suffix>, and no other function's group", () => {
    expect(matchesGeneratedName("/aws/lambda/shop-Api-AbCdEfGh1234", "shop", "Api")).toBe(true);
    expect(matchesGeneratedName("/aws/lambda/shop-ApiV2-AbCdEfGh1234", "shop", "Api")).toBe(false);
    expect(matchesGeneratedName("/aws/lambda/shop-Api-short", "shop", "Api")).toBe(false);
    expect(matchesGeneratedName("/aws/lambda/other-Api-AbCdEfGh1234", "shop", "Api")).toBe(false);
  });

  test("match truncated names only when the whole name would not fit in 64 characters", () => {
    const stack = "a-very-long-stack-name-for-the-orders-service";
    const id = "ProcessIncomingOrdersFunction";
    expect(matchesGeneratedName(`/aws/lambda/a-very-long-stack-name-fo-ProcessIncomingOrd-AbCdEfGh1234`, stack, id)).toBe(true);
    expect(matchesGeneratedName(`/aws/lambda/shop-Ap-AbCdEfGh1234`, "shop", "Api")).toBe(false);
    expect(generatedNamePrefix(stack, id)).toBe("/aws/lambda/a-very-lon");
    expect(generatedNamePrefix("shop", "Api")).toBe("/aws/lambda/shop-Api-");
  });
});

describe("token bucket", () => {
  test("hands out tokens at its rate: 11 tokens at 5 a second take 2 s, evenly spaced", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, clock);
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      expect(await bucket.take(Infinity)).toBe(true);
      times.push(clock.time);
    }
    expect(times[10] - times[0]).toBe(2000);
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(10).fill(200));
  });

  test("concurrent callers queue in order, one interval apart", async () => {
    let time = 0;
    const woke: number[] = [];
    const clock: Clock = { now: () => time, random: () => 0, sleep: async (ms) => void woke.push(ms) };
    const bucket = new TokenBucket(10, clock);
    await Promise.all(Array.from({ length: 5 }, () => bucket.take(Infinity)));
    expect(woke).toEqual([100, 200, 300, 400]);
    time = 10_000;
    await bucket.take(Infinity);
    expect(woke).toHaveLength(4); // idle long enough: no wait
  });

  test("halves its rate when throttled, down to a floor, and recovers step by step up to its default", () => {
    const bucket = new TokenBucket(DEFAULT_RATES.DescribeSubscriptionFilters, fakeClock());
    bucket.throttled();
    expect(bucket.rate).toBe(5 * THROTTLED_RATE_FACTOR);
    for (let i = 0; i < 20; i++) bucket.throttled();
    expect(bucket.rate).toBe(MIN_RATE);
    bucket.succeeded();
    expect(bucket.rate).toBeCloseTo(MIN_RATE + 5 * RECOVERY_SHARE);
    for (let i = 0; i < 100; i++) bucket.succeeded();
    expect(bucket.rate).toBe(5);
  });

  test("a slowed bucket spaces its tokens further apart", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, clock);
    await bucket.take(Infinity);
    bucket.throttled();
    const before = clock.time;
    await bucket.take(Infinity);
    await bucket.take(Infinity);
    expect(clock.time - before).toBe(100 + 200); // the token already due, then the slower interval
  });

  test("refuses, without taking it, a token due after the deadline: at, just under and just over", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, clock);
    const start = clock.time;
    await bucket.take(Infinity); // the next is due at start + 200
    expect(await bucket.take(start + 199)).toBe(false);
    expect(clock.time).toBe(start);
    expect(await bucket.take(start + 200)).toBe(true);
    expect(clock.time).toBe(start + 200);
    expect(await bucket.take(start + 401)).toBe(true);
  });
});

describe("deadline", () => {
  test("is the remaining time less the margin to answer: at, just under and just over the margin", () => {
    const clock = { now: () => 5_000 };
    expect(deadlineFor(60_000, clock)).toBe(5_000 + 60_000 - RESPONSE_MARGIN_MS);
    expect(deadlineFor(RESPONSE_MARGIN_MS + 1, clock)).toBe(5_001);
    expect(deadlineFor(RESPONSE_MARGIN_MS, clock)).toBe(5_000);
    expect(deadlineFor(RESPONSE_MARGIN_MS - 1, clock)).toBe(5_000);
  });
});

describe("running out of time", () => {
  const outOfTime = (operation: string) => new LookupOutOfTime(operation, "ThrottlingException: Rate exceeded");

  test("during the filter lookups: the groups whose filters were not read are counted", async () => {
    const groups = Object.fromEntries(ids(30).map((id) => [`/aws/lambda/shop-${id}`, []]));
    const inner = offlineAccountView(groups);
    let answered = 0;
    const view: AccountView = {
      ...inner,
      subscriptionFilters: async (name) => {
        await tick();
        if (answered >= 12) throw outOfTime("DescribeSubscriptionFilters");
        answered++;
        return inner.subscriptionFilters(name);
      },
    };
    const queries = ids(40).map((id) => ({ name: `/aws/lambda/shop-${id}` }));
    const failure = gatherLogFacts(view, queries);
    await expect(failure).rejects.toBeInstanceOf(LookupOutOfTime);
    await expect(failure).rejects.toMatchObject({ operation: "DescribeSubscriptionFilters", unchecked: 30 - 12, total: 40, detail: "ThrottlingException: Rate exceeded" });
  });

  test("during the listings: groups found or under a prefix not listed are unchecked; groups known absent are not", async () => {
    const inner = offlineAccountView({ "/a/x-1": [] });
    const view: AccountView = {
      ...inner,
      logGroupNames: async (prefix) => {
        if (prefix !== "/b/y-") return inner.logGroupNames(prefix);
        await tick();
        throw outOfTime("DescribeLogGroups");
      },
    };
    const failure = gatherLogFacts(view, [{ name: "/a/x-1" }, { name: "/a/x-2" }, { name: "/b/y-1" }, { name: "/b/y-2" }]);
    await expect(failure).rejects.toMatchObject({ operation: "DescribeLogGroups", unchecked: 3, total: 4 });
  });

  const forwarded = {
    requestId: "r",
    region: "us-east-1",
    accountId: "123456789012",
    params: { addLayers: false, forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:fwd" },
    fragment: { Resources: Object.fromEntries(ids(3).map((id) => [id, { Type: "AWS::Lambda::Function", Properties: { FunctionName: id, Runtime: "python3.12", Handler: "a.b", Role: "r", Code: { ZipFile: "x" } } }])) },
  };

  test("respond hands its deadline to the view it creates", async () => {
    const given: (number | undefined)[] = [];
    const response = await respond(forwarded, {}, { log() {} }, (_region, deadline) => (given.push(deadline), offlineAccountView()), 1_234_567);
    expect(response.status).toBe("success");
    expect(given).toEqual([1_234_567]);
  });

  test("the handler's deadline is the invocation's remaining time less the margin: with less left, E305 before any call", async () => {
    const context = { getRemainingTimeInMillis: () => RESPONSE_MARGIN_MS - 1 };
    const response = await handler(forwarded, context);
    expect(response.status).toBe("failure");
    expect(response.fragment).toBe(forwarded.fragment);
    expect(response.errorMessage).toContain("E305");
    expect(response.errorMessage).toContain("3 of the 3 log groups the template needs were left unchecked");
    expect(response.errorMessage).toContain("`Timeout`");
  });
});

describe("retries", () => {
  const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
  /** A fast bucket, so that only the backoff shows in the clock's sleeps. */
  const pace = (clock: Clock, deadline = Infinity, bucket = new TokenBucket(1e9, clock)) => ({ bucket, deadline, clock });

  test("a throttled request is retried with growing, jittered waits until it succeeds", async () => {
    const clock = fakeClock();
    let attempts = 0;
    const result = await withRetries(async () => (++attempts < 4 ? Promise.reject(throttled()) : "done"), pace(clock));
    expect(result).toBe("done");
    expect(attempts).toBe(4);
    expect(clock.sleeps.filter((ms) => ms >= 1)).toEqual([188, 375, 750]);
  });

  test("no fixed number of attempts: 60 throttles in a row, then success, while time remains", async () => {
    const clock = fakeClock();
    let attempts = 0;
    expect(await withRetries(async () => (++attempts <= 60 ? Promise.reject(throttled()) : "done"), pace(clock, clock.time + 600_000))).toBe("done");
    expect(attempts).toBe(61);
  });

  test("gives up when the next attempt could not start before the deadline, and not before", async () => {
    const clock = fakeClock();
    const start = clock.time;
    const deadline = start + 30_000;
    const retries: number[] = [];
    let attempts = 0;
    const failure = withRetries(
      async () => {
        attempts++;
        throw throttled();
      },
      { ...pace(clock, deadline), onRetry: (_attempt, delay) => retries.push(delay) },
    );
    await expect(failure).rejects.toBeInstanceOf(DeadlineReached);
    await expect(failure).rejects.toMatchObject({ lastError: { name: "ThrottlingException" } });
    // Every wait fit before the deadline; the one that would have come next did not.
    expect(clock.time).toBeLessThanOrEqual(deadline);
    expect(clock.time + backoffDelay(attempts, BACKOFF, 0.5)).toBeGreaterThan(deadline);
    expect(attempts).toBeGreaterThan(6);
    expect(retries).toHaveLength(attempts - 1);
  });

  test("a deadline already passed sends nothing", async () => {
    const clock = fakeClock();
    let attempts = 0;
    await expect(withRetries(async () => ++attempts, pace(clock, clock.time - 1))).rejects.toBeInstanceOf(DeadlineReached);
    expect(attempts).toBe(0);
  });

  test("errors a retry cannot fix are not retried", async () => {
    const clock = fakeClock();
    let attempts = 0;
    const denied = Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    await expect(withRetries(async () => { attempts++; throw denied; }, pace(clock))).rejects.toBe(denied);
    expect(attempts).toBe(1);
  });

  test("throttling slows the operation's bucket; success brings it back", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, clock);
    let attempts = 0;
    await withRetries(async () => (++attempts < 3 ? Promise.reject(throttled()) : "done"), pace(clock, Infinity, bucket));
    expect(bucket.rate).toBeCloseTo(5 * THROTTLED_RATE_FACTOR ** 2 + 5 * RECOVERY_SHARE);
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling({ name: "ServiceUnavailableException", $metadata: { httpStatusCode: 503 } })).toBe(false);
  });

  test("waits double up to a ceiling, with at least half of it fixed: jitter stays within bounds", () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(BACKOFF.maxDelayMs, BACKOFF.baseDelayMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, BACKOFF, 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, BACKOFF, 0.999999)).toBe(ceiling);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const delay = backoffDelay(attempt, BACKOFF, random);
        expect(delay).toBeGreaterThanOrEqual(BACKOFF.baseDelayMs / 2);
        expect(delay).toBeLessThanOrEqual(BACKOFF.maxDelayMs);
      }),
    );
  });

  test("throttling, server errors and dropped connections are retryable; the rest is not", () => {
    for (const name of ["ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ServiceUnavailableException"]) {
      expect(isRetryable({ name })).toBe(true);
    }
    expect(isRetryable({ name: "Whatever", $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryable({ name: "Whatever", $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryable(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isRetryable({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable({ name: "InvalidParameterException", $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable("ThrottlingException")).toBe(false);
  });

  test("the limiter never runs more than its bound at once, and runs everything", async () => {
    const limit = limiter(3);
    let running = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          most = Math.max(most, ++running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });
});

describe("CloudWatch Logs view, over the real SDK with a fake HTTP handler", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = "test";
    process.env.AWS_SECRET_ACCESS_KEY = "test";
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  /** Answers each request with the next of `answers` (the last one repeats), counting requests and the most at once. */
  function fakeHandler(answers: { status: number; body: unknown; type?: string }[]) {
    const seen = { requests: 0, now: 0, most: 0, targets: [] as string[] };
    const requestHandler = {
      async handle(request: { headers: Record<string, string> }) {
        const answer = answers[Math.min(seen.requests, answers.length - 1)];
        seen.requests++;
        seen.targets.push(request.headers["x-amz-target"]);
        seen.most = Math.max(seen.most, ++seen.now);
        await tick();
        seen.now--;
        return {
          response: {
            statusCode: answer.status,
            headers: { "content-type": "application/x-amz-json-1.1", ...(answer.type ? { "x-amzn-errortype": answer.type } : {}) },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        };
      },
    };
    return { seen, requestHandler };
  }
  const THROTTLED = { status: 400, type: "ThrottlingException", body: { __type: "ThrottlingException", message: "Rate exceeded" } };

  test("a throttled DescribeLogGroups is retried by us, once per attempt (the SDK adds none), then succeeds", async () => {
    const { seen, requestHandler } = fakeHandler([THROTTLED, THROTTLED, { status: 200, body: { logGroups: [{ logGroupName: "/aws/lambda/orders-A-ABCDEFGHIJKL" }] } }]);
    const waits: number[] = [];
    const calls: string[] = [];
    const view = cloudWatchAccountView({
      region: "us-east-1",
      requestHandler: requestHandler as never,
      clock: fakeClock(),
      onCall: (operation) => calls.push(operation),
      onRetry: (_operation, _attempt, delay) => waits.push(delay),
    });
    expect(await view.logGroupNames("/aws/lambda/orders-")).toEqual(["/aws/lambda/orders-A-ABCDEFGHIJKL"]);
    expect(seen.requests).toBe(3);
    expect(seen.targets.every((target) => target === "Logs_20140328.DescribeLogGroups")).toBe(true);
    expect(calls).toEqual(["DescribeLogGroups", "DescribeLogGroups", "DescribeLogGroups"]);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] - 1);
  });

  test("throttled for good: keeps trying, at a slowing pace, until the deadline, then says how long it tried", async () => {
    const { seen, requestHandler } = fakeHandler([THROTTLED]);
    const clock = fakeClock();
    const deadline = clock.time + 60_000;
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, clock, deadline });
    const failure = view.subscriptionFilters("/aws/lambda/f");
    await expect(failure).rejects.toBeInstanceOf(LookupOutOfTime);
    await expect(failure).rejects.toMatchObject({ operation: "DescribeSubscriptionFilters", detail: "ThrottlingException: Rate exceeded" });
    expect(seen.requests).toBeGreaterThan(6);
    expect(clock.time).toBeLessThanOrEqual(deadline);
  });

  test("without a deadline, a view still gives up: after the deployed macro's time", async () => {
    const { seen, requestHandler } = fakeHandler([THROTTLED]);
    const clock = fakeClock();
    const start = clock.time;
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, clock });
    await expect(view.logGroupNames("/aws/lambda/x")).rejects.toBeInstanceOf(LookupOutOfTime);
    expect(clock.time - start).toBeLessThanOrEqual(DEFAULT_LOOKUP_BUDGET_MS);
    expect(clock.time - start).toBeGreaterThan(DEFAULT_LOOKUP_BUDGET_MS - BACKOFF.maxDelayMs);
    expect(seen.requests).toBeLessThan(DEFAULT_LOOKUP_BUDGET_MS / (BACKOFF.baseDelayMs / 2));
  });

  test("keeps to the operation's documented rate when AWS does not throttle", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 200, body: { subscriptionFilters: [] } }]);
    const clock = fakeClock();
    const start = clock.time;
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, clock });
    for (let i = 0; i < 21; i++) await view.subscriptionFilters(`/aws/lambda/f${i}`);
    expect(seen.requests).toBe(21);
    expect(clock.time - start).toBe((20 / DEFAULT_RATES.DescribeSubscriptionFilters) * 1000);
  });

  test("access denied is not retried, and names the permission", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 400, type: "AccessDeniedException", body: { __type: "AccessDeniedException", message: "no" } }]);
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, clock: fakeClock() });
    await expect(view.logGroupNames("/aws/lambda/x")).rejects.toThrow("add logs:DescribeLogGroups");
    expect(seen.requests).toBe(1);
  });

  test("a server error is retried; requests of one view stay within its bound at once", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 500, type: "ServiceUnavailableException", body: { __type: "ServiceUnavailableException", message: "busy" } }, { status: 200, body: { subscriptionFilters: [] } }]);
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, clock: fakeClock() });
    await Promise.all(Array.from({ length: 40 }, (_, i) => view.subscriptionFilters(`/aws/lambda/f${i}`)));
    expect(seen.requests).toBe(41);
    expect(seen.most).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  });
});
