import { offlineAccountView, type AccountView } from "../../src/lookup/account-view";
import { coveringPrefixes, gatherLogFacts, mapLimit } from "../../src/lookup/gather";
import { generatedNamePrefix, matchesGeneratedName } from "../../src/forwarder/names";

/** An offline view that counts the calls made to it. */
function counting(groups: Record<string, { filterName: string; destinationArn: string }[]>) {
  const calls = { list: 0, filters: 0 };
  const inner = offlineAccountView(groups);
  const view: AccountView = {
    logGroupNames: (prefix) => (calls.list++, inner.logGroupNames(prefix)),
    subscriptionFilters: (name) => (calls.filters++, inner.subscriptionFilters(name)),
  };
  return { view, calls };
}

describe("lookups", () => {
  test("names sharing a stack prefix are listed once, under their common prefix", () => {
    const names = Array.from({ length: 200 }, (_, i) => `/aws/lambda/shop-Function${i}`);
    expect(coveringPrefixes(names)).toEqual(["/aws/lambda/shop-Function"]);
    expect(coveringPrefixes(["/aws/lambda/a-x", "/aws/lambda/b-y", "/aws/vendedlogs/states/M-Logs"])).toEqual([
      "/aws/lambda/a-x",
      "/aws/lambda/b-y",
      "/aws/vendedlogs/states/M-Logs",
    ]);
  });

  test("filters are fetched only for groups that exist and were asked about", async () => {
    const groups = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`/aws/lambda/shop-F${i}`, []]));
    groups["/aws/lambda/shop-Unrelated"] = [];
    const { view, calls } = counting(groups);
    const queries = Array.from({ length: 100 }, (_, i) => ({ name: `/aws/lambda/shop-F${i}` }));
    const facts = await gatherLogFacts(view, queries);
    expect(calls).toEqual({ list: 1, filters: 50 });
    expect(facts.groups.size).toBe(50);
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
