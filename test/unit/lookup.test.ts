import { Readable } from "node:stream";
import fc from "fast-check";
import { LookupError, offlineAccountView, type AccountView, type SubscriptionFilterInfo } from "../../src/lookup/account-view";
import { backoffDelay, cloudWatchAccountView, isRetryable, limiter, MAX_IN_FLIGHT, RETRY, withRetries } from "../../src/lookup/cloudwatch";
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

describe("retries", () => {
  const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
  const noWait = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  test("a throttled request is retried with growing, jittered waits until it succeeds", async () => {
    const { waits, sleep } = noWait();
    let attempts = 0;
    const result = await withRetries(async () => (++attempts < 4 ? Promise.reject(throttled()) : "done"), RETRY, { sleep, random: () => 0.5 });
    expect(result).toBe("done");
    expect(attempts).toBe(4);
    expect(waits).toEqual([188, 375, 750]);
  });

  test("attempts are bounded, and errors a retry cannot fix are not retried", async () => {
    const { waits, sleep } = noWait();
    let attempts = 0;
    await expect(withRetries(async () => { attempts++; throw throttled(); }, RETRY, { sleep })).rejects.toThrow("Rate exceeded");
    expect(attempts).toBe(RETRY.maxAttempts);
    expect(waits).toHaveLength(RETRY.maxAttempts - 1);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);

    attempts = 0;
    const denied = Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    await expect(withRetries(async () => { attempts++; throw denied; }, RETRY, { sleep })).rejects.toBe(denied);
    expect(attempts).toBe(1);
  });

  test("waits double up to a ceiling, with at least half of it fixed", () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, RETRY, 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, RETRY, 0.999999)).toBe(ceiling);
    }
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
      sleep: async (ms) => void waits.push(ms),
      onCall: (operation) => calls.push(operation),
    });
    expect(await view.logGroupNames("/aws/lambda/orders-")).toEqual(["/aws/lambda/orders-A-ABCDEFGHIJKL"]);
    expect(seen.requests).toBe(3);
    expect(seen.targets.every((target) => target === "Logs_20140328.DescribeLogGroups")).toBe(true);
    expect(calls).toEqual(["DescribeLogGroups", "DescribeLogGroups", "DescribeLogGroups"]);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] - 1);
  });

  test("throttled for good: fails after the bounded number of attempts, saying so", async () => {
    const { seen, requestHandler } = fakeHandler([THROTTLED]);
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, sleep: async () => {} });
    const failure = view.subscriptionFilters("/aws/lambda/f");
    await expect(failure).rejects.toBeInstanceOf(LookupError);
    await expect(failure).rejects.toThrow(`Could not look up log groups (DescribeSubscriptionFilters: ThrottlingException: Rate exceeded, after ${RETRY.maxAttempts} attempts)`);
    expect(seen.requests).toBe(RETRY.maxAttempts);
  });

  test("access denied is not retried, and names the permission", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 400, type: "AccessDeniedException", body: { __type: "AccessDeniedException", message: "no" } }]);
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, sleep: async () => {} });
    await expect(view.logGroupNames("/aws/lambda/x")).rejects.toThrow("add logs:DescribeLogGroups");
    expect(seen.requests).toBe(1);
  });

  test("a server error is retried; requests of one view stay within its bound at once", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 500, type: "ServiceUnavailableException", body: { __type: "ServiceUnavailableException", message: "busy" } }, { status: 200, body: { subscriptionFilters: [] } }]);
    const view = cloudWatchAccountView({ region: "us-east-1", requestHandler: requestHandler as never, sleep: async () => {} });
    await Promise.all(Array.from({ length: 40 }, (_, i) => view.subscriptionFilters(`/aws/lambda/f${i}`)));
    expect(seen.requests).toBe(41);
    expect(seen.most).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  });
});
