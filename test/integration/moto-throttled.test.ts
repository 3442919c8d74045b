/**
 * The lookups under an account's rate limits: moto_server behind a proxy that throttles CloudWatch Logs
 * at a few calls a second (as a busy account's shared Describe* quota does). A redeploy of 40 named
 * functions whose groups exist succeeds by keeping pace and retrying while time remains; with too
 * little time left, it fails with E305, saying how many groups were left unchecked.
 */
import { respond } from "../../src/index";
import { offlineLayerView } from "../../src/lookup/account-view";
import { cloudWatchAccountView } from "../../src/lookup/cloudwatch";
import { skipUnless } from "../helpers/corpus";
import { MOTO_MISSING, startMoto, useTestCredentials, type Moto } from "../helpers/moto";
import { startThrottleProxy, type ThrottleProxy } from "../helpers/throttle-proxy";

const { describe: describeMoto } = skipUnless(MOTO_MISSING, "moto_server throttling tests");
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const FORWARDER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:datadog-forwarder`;
const FUNCTIONS = 40;
/** Below DescribeSubscriptionFilters' default of 5: the macro must slow down to get through. */
const CALLS_PER_SECOND = 4;
const names = Array.from({ length: FUNCTIONS }, (_, i) => `throttled-stack-function-${i + 1}`);

const fn = (name: string) => ({
  Type: "AWS::Lambda::Function",
  Properties: { Runtime: "python3.12", Handler: "a.b", Role: `arn:aws:iam::${ACCOUNT}:role/r`, Code: { ZipFile: "x" }, FunctionName: name },
});

describeMoto("lookups under throttling, against moto_server", () => {
  let moto: Moto;
  let proxy: ThrottleProxy;

  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
    for (const name of names) await moto.call("Logs_20140328.CreateLogGroup", { logGroupName: `/aws/lambda/${name}` });
    proxy = await startThrottleProxy(moto.endpoint, CALLS_PER_SECOND);
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    moto?.stop();
  });

  async function redeploy(deadline: number | undefined) {
    const calls: string[] = [];
    const response = await respond(
      { requestId: "throttled", region: REGION, accountId: ACCOUNT, params: { addLayers: false, forwarderArn: FORWARDER }, fragment: { Resources: Object.fromEntries(names.map((name, i) => [`F${i + 1}`, fn(name)])) } },
      {},
      { log() {} },
      (region, viewDeadline) => ({ ...cloudWatchAccountView({ region, endpoint: proxy.endpoint, deadline: viewDeadline, onCall: (operation) => calls.push(operation) }), ...offlineLayerView() }),
      deadline,
    );
    return { response, calls };
  }

  test(`a redeploy of ${FUNCTIONS} named functions whose groups exist succeeds at ${CALLS_PER_SECOND} calls a second`, async () => {
    const throttledBefore = proxy.counts.throttled;
    const start = Date.now();
    const { response, calls } = await redeploy(Date.now() + 25_000);
    expect(response.errorMessage).toBeUndefined();
    expect(response.status).toBe("success");
    // Every group exists: each is subscribed by name, none is declared.
    const resources = (response.fragment as { Resources: Record<string, { Type: string }> }).Resources;
    expect(Object.values(resources).filter((r) => r.Type === "AWS::Logs::SubscriptionFilter")).toHaveLength(FUNCTIONS);
    expect(Object.values(resources).filter((r) => r.Type === "AWS::Logs::LogGroup")).toHaveLength(0);
    expect(calls.filter((c) => c === "DescribeSubscriptionFilters").length).toBeGreaterThanOrEqual(FUNCTIONS);
    // It kept (nearly) to the pace: few requests were refused, and it took the time the rate implies.
    const throttled = proxy.counts.throttled - throttledBefore;
    expect(throttled).toBeLessThan(FUNCTIONS / 2);
    expect(Date.now() - start).toBeGreaterThanOrEqual(((FUNCTIONS - CALLS_PER_SECOND) / CALLS_PER_SECOND) * 1000);
  }, 40_000);

  test("with too little time left, it fails with E305 naming how many groups were left unchecked", async () => {
    // Let the proxy's window empty after the test before.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const start = Date.now();
    const { response } = await redeploy(Date.now() + 2_000);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/E305/);
    const [, unchecked] = /(\d+) of the 40 log groups the template needs were left unchecked/.exec(response.errorMessage ?? "") ?? [];
    expect(Number(unchecked)).toBeGreaterThan(0);
    expect(Number(unchecked)).toBeLessThan(FUNCTIONS);
    expect(response.errorMessage).toMatch(/Timeout/);
    // It gave up at its deadline, not long after.
    expect(Date.now() - start).toBeLessThan(4_000);
  }, 20_000);
});
