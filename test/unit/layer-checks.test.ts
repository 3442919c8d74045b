/**
 * Pinned layer versions are checked before deploy: E207 when one does not exist, W223 when the check
 * cannot be made; one GetLayerVersionByArn per distinct ARN the transform adds, a bounded number, a
 * few at once; nothing for this release's defaults or for families no function uses.
 */
import { Readable } from "node:stream";
import { LookupError, offlineAccountView, type AccountView } from "../../src/lookup/account-view";
import { fakeClock } from "../helpers/clock";
import { lambdaLayerView } from "../../src/lookup/lambda-layers";
import { checkPinnedLayers, LAYER_LOOKUP_CONCURRENCY, MAX_LAYER_LOOKUPS, type PinnedLayer } from "../../src/lookup/layer-checks";
import { Report } from "../../src/rules";
import { transformWithLookups, type MacroRequest } from "../../src/transform";
import { layerArn, REGION, VERSION, template } from "../helpers/macro";
import { node, python } from "../helpers/builders";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey-AbCdEf";

function request(fragment: unknown, params: Record<string, unknown>): MacroRequest {
  return { fragment, params, region: REGION, templateParameterValues: {}, env: {}, macroVersion: VERSION, accountId: "123456789012" };
}

/** An offline view that records the layer versions asked about; `answer` decides each one. */
function recording(answer: (arn: string) => Promise<boolean> = async () => true) {
  const asked: string[] = [];
  let views = 0;
  const view = (): AccountView => {
    views++;
    return { ...offlineAccountView(), layerVersionExists: (arn) => (asked.push(arn), answer(arn)) };
  };
  return { asked, view, views: () => views };
}

const codes = (texts: string[]) => texts.map((text) => /^\[(\w+)\]/.exec(text)![1]);

describe("which layer versions are checked", () => {
  test("one call per distinct pinned ARN, however many functions use it", async () => {
    const { asked, view } = recording();
    const outcome = await transformWithLookups(request(template({ A: python(), B: python(), C: python({ Architectures: ["arm64"] }) }), { pythonLayerVersion: 104 }), view);
    expect(outcome.ok).toBe(true);
    expect(asked.sort()).toEqual([layerArn("Datadog-Python312", 104), layerArn("Datadog-Python312-ARM", 104)].sort());
  });

  test("no call, and no view, for this release's defaults or for a family no function uses", async () => {
    const { asked, view, views } = recording();
    const outcome = await transformWithLookups(request(template({ A: python() }), { rubyLayerVersion: 29, javaLayerVersion: 27, dotnetLayerVersion: 1 }), view);
    expect(outcome.ok).toBe(true);
    expect(asked).toEqual([]);
    expect(views()).toBe(0);
  });

  test("the extension version and the layer-ARN parameters are checked too, named by their parameter", async () => {
    const mirror = "arn:aws:lambda:us-east-1:111122223333:layer:Node22-mirror:7";
    const { asked, view } = recording(async (arn) => arn !== mirror);
    const params = { nodeLayerArn: mirror, extensionLayerVersion: 78, apiKeySecretArn: SECRET_ARN };
    const outcome = await transformWithLookups(request(template({ A: node() }), params), view);
    expect(asked.sort()).toEqual([mirror, layerArn("Datadog-Extension", 78)].sort());
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toEqual([expect.stringContaining(`[E207] \`nodeLayerArn\` gives the layer version ${mirror}, which does not exist`)]);
  });

  test("a layer SAM Globals already gives every function is not the macro's to add: not checked", async () => {
    const { asked, view } = recording();
    const fragment = template(
      { A: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "src/" } } },
      { Transform: "AWS::Serverless-2016-10-31", Globals: { Function: { Layers: [layerArn("Datadog-Python312", 90)] } } },
    );
    expect((await transformWithLookups(request(fragment, { pythonLayerVersion: 104 }), view)).ok).toBe(true);
    expect(asked).toEqual([]);
  });

  test("the layers of useLayersFromAccount are checked in that account", async () => {
    const { asked, view } = recording();
    await transformWithLookups(request(template({ A: python() }), { pythonLayerVersion: 104, useLayersFromAccount: "111122223333" }), view);
    expect(asked).toEqual([layerArn("Datadog-Python312", 104, REGION, "111122223333")]);
  });
});

describe("what the answers do", () => {
  const typo = layerArn("Datadog-Python312", 1270);

  test("a version that does not exist fails the transform (E207), naming the parameter and the ARN, and returns the fragment as received", async () => {
    const fragment = template({ A: python() });
    const outcome = await transformWithLookups(request(fragment, { pythonLayerVersion: 1270 }), () => offlineAccountView({}, {}, [typo]));
    expect(outcome.ok).toBe(false);
    expect(outcome.fragment).toBe(fragment);
    expect(codes(outcome.errors)).toEqual(["E207"]);
    expect(outcome.errors[0]).toContain(`\`pythonLayerVersion\` gives the layer version ${typo}, which does not exist`);
  });

  test.each([
    ["denied", new LookupError("denied", "GetLayerVersionByArn", true, "lambda:GetLayerVersion", "AccessDeniedException: not authorized")],
    ["a network error", new LookupError("down", "GetLayerVersionByArn", false, "", "TimeoutError: socket hang up, after 6 attempts")],
  ])("a lookup that cannot be made (%s) warns (W223) and the transform goes on", async (_case, error) => {
    const { view } = recording(async () => Promise.reject(error));
    const outcome = await transformWithLookups(request(template({ A: python() }), { pythonLayerVersion: 104 }), view);
    expect(outcome.ok).toBe(true);
    expect(codes(outcome.warnings)).toEqual(["W223"]);
    expect(outcome.warnings[0]).toContain(`${layerArn("Datadog-Python312", 104)} (from \`pythonLayerVersion\`)`);
    expect(outcome.warnings[0]).toContain(error.detail);
  });

  test("a bug (not a LookupError) is not taken for an unreachable API: it reaches the handler", async () => {
    const { view } = recording(async () => Promise.reject(new TypeError("boom")));
    await expect(transformWithLookups(request(template({ A: python() }), { pythonLayerVersion: 104 }), view)).rejects.toThrow("boom");
  });

  test("the layer check and the log lookups run at once, and a failure of each is reported", async () => {
    const events: string[] = [];
    const view = (): AccountView => ({
      ...offlineAccountView(),
      logGroupNames: async () => {
        events.push("logs start");
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push("logs end");
        throw new LookupError("denied", "DescribeLogGroups", true, "logs:DescribeLogGroups");
      },
      layerVersionExists: async (arn) => (events.push("layer"), arn !== typo),
    });
    const params = { pythonLayerVersion: 1270, forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:fwd" };
    const outcome = await transformWithLookups(request(template({ A: python({ FunctionName: "orders-a" }) }), params), view);
    expect(events.indexOf("layer")).toBeLessThan(events.indexOf("logs end"));
    expect(codes(outcome.errors).sort()).toEqual(["E207", "E302"]);
  });
});

describe("checkPinnedLayers", () => {
  const pinned = (count: number): PinnedLayer[] => Array.from({ length: count }, (_, i) => ({ arn: layerArn("Datadog-Python312", i + 1), parameter: "pythonLayerVersion" }));

  test(`at most ${LAYER_LOOKUP_CONCURRENCY} lookups at once, ${MAX_LAYER_LOOKUPS} in all; past that, a warning per unchecked version`, async () => {
    let now = 0;
    let most = 0;
    const asked: string[] = [];
    const view = () => ({
      layerVersionExists: async (arn: string) => {
        asked.push(arn);
        most = Math.max(most, ++now);
        await new Promise((resolve) => setImmediate(resolve));
        now--;
        return true;
      },
    });
    for (const [count, calls, unchecked] of [
      [MAX_LAYER_LOOKUPS - 1, MAX_LAYER_LOOKUPS - 1, 0],
      [MAX_LAYER_LOOKUPS, MAX_LAYER_LOOKUPS, 0],
      [MAX_LAYER_LOOKUPS + 1, MAX_LAYER_LOOKUPS, 1],
    ]) {
      asked.length = 0;
      const report = new Report();
      await checkPinnedLayers([...pinned(count), ...pinned(count)], view, report);
      expect(asked).toHaveLength(calls);
      expect(report.warnings).toHaveLength(unchecked);
      if (unchecked) expect(report.warnings[0]).toContain(`more than ${MAX_LAYER_LOOKUPS} pinned layer versions`);
    }
    expect(most).toBe(LAYER_LOOKUP_CONCURRENCY);
  });
});

describe("lambdaLayerView", () => {
  type Answer = { status: number; type?: string } | Error;
  /** An HTTP handler for the SDK answering each request in turn (the last answer repeats). */
  function fakeHandler(answers: Answer[]) {
    const seen = { requests: 0, paths: [] as string[] };
    const requestHandler = {
      handle: async (request: { path: string; query?: Record<string, string> }) => {
        const answer = answers[Math.min(seen.requests++, answers.length - 1)];
        seen.paths.push(`${request.path}?find=${request.query?.find}&Arn=${request.query?.Arn}`);
        if (answer instanceof Error) throw answer;
        const body = answer.status === 200 ? { LayerVersionArn: "x", Version: 104 } : { message: answer.type };
        return {
          response: {
            statusCode: answer.status,
            headers: { "content-type": "application/json", ...(answer.type ? { "x-amzn-errortype": answer.type } : {}) },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    };
    return { seen, requestHandler };
  }
  const arn = layerArn("Datadog-Python312", 104);
  const clock = fakeClock();
  /** Lookups may go on for 30 s of the fake clock, which never really waits. */
  const viewOf = (handler: { handle: unknown }) => lambdaLayerView({ region: REGION, requestHandler: handler as never, clock, deadline: clock.now() + 30_000 });

  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  });

  test("found: true, with one GetLayerVersionByArn for the ARN", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 200 }]);
    expect(await viewOf(requestHandler).layerVersionExists(arn)).toBe(true);
    expect(seen.paths).toEqual([`/2018-10-31/layers?find=LayerVersion&Arn=${arn}`]);
  });

  test("ResourceNotFoundException: false, not retried", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 404, type: "ResourceNotFoundException" }]);
    expect(await viewOf(requestHandler).layerVersionExists(arn)).toBe(false);
    expect(seen.requests).toBe(1);
  });

  test("access denied: a LookupError naming the permission, not retried", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 403, type: "AccessDeniedException" }]);
    const failure = viewOf(requestHandler).layerVersionExists(arn);
    await expect(failure).rejects.toMatchObject({ name: "Error", denied: true, permission: "lambda:GetLayerVersion", operation: "GetLayerVersionByArn" });
    await expect(failure).rejects.toBeInstanceOf(LookupError);
    expect(seen.requests).toBe(1);
  });

  test("throttled: retried at a slowing pace until the deadline, then a LookupError that says so", async () => {
    const { seen, requestHandler } = fakeHandler([{ status: 429, type: "TooManyRequestsException" }]);
    const start = clock.now();
    await expect(viewOf(requestHandler).layerVersionExists(arn)).rejects.toMatchObject({ detail: expect.stringMatching(/TooManyRequestsException.*after \d+ attempts/) });
    expect(seen.requests).toBeGreaterThan(3);
    // It gave up within the 30 s it had, and not long before.
    expect(clock.now() - start).toBeLessThanOrEqual(30_000);
    expect(clock.now() - start).toBeGreaterThan(20_000);
  });

  test("a network error: a LookupError", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const { requestHandler } = fakeHandler([refused]);
    await expect(viewOf(requestHandler).layerVersionExists(arn)).rejects.toMatchObject({ denied: false, detail: expect.stringContaining("ECONNREFUSED") });
  });
});

describe("a lookup that never answers", () => {
  test("a request that never answers is abandoned at the deadline: W223, not a hung transform", async () => {
    // Credentials the SDK can sign with (the request itself goes to the handler, which never answers).
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const view = lambdaLayerView({ region: REGION, requestHandler: { handle: () => new Promise(() => undefined) } as never, deadline: Date.now() + 300 });
    const report = new Report();
    const settled = checkPinnedLayers([{ arn: layerArn("Datadog-Python312", 1270), parameter: "pythonLayerVersion" }], () => view, report).then(() => "settled");
    const hung = new Promise((resolve) => setTimeout(() => resolve("still waiting"), 4000).unref());
    const first = await Promise.race([settled, hung]);
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    expect(first).toBe("settled");
    expect(report.diagnostics.map((d) => d.rule)).toEqual(["W223"]);
  }, 10_000);
});
