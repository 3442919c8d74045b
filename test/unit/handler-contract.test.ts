import { handler, respond } from "../../src/index";
import { offlineAccountView, type AccountView } from "../../src/lookup/account-view";
import { FORWARDER, NO_VALUE, python } from "../helpers/builders";
import { captureLogs, respondTo } from "../helpers/handler";
import { ALL_LAYERS, jsonCopy, lambda, run, template } from "../helpers/macro";

const event = (overrides: Record<string, unknown> = {}) => ({
  requestId: "req-1",
  region: "us-east-1",
  accountId: "123456789012",
  transformId: "123456789012::DatadogServerless",
  params: {},
  templateParameterValues: {},
  fragment: template({ F: lambda({ Runtime: "python3.12", Handler: "app.handler" }) }),
  ...overrides,
});

/** Every layer version exists: these tests make no AWS call. */
const offline = () => offlineAccountView();

describe("handler contract", () => {
  test("answers success with the request id and the instrumented fragment", async () => {
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "error"; // the Lambda entry point logs to stdout; keep the test output clean
    const response = await handler(event()).finally(() => (process.env.LOG_LEVEL = level ?? ""));
    expect(response.status).toBe("success");
    expect(response.requestId).toBe("req-1");
    expect((response.fragment as any).Resources.F.Properties.Handler).toBe("datadog_lambda.handler.handler");
    expect(response.errorMessage).toBeUndefined();
  });

  test.each([
    ["no event", undefined],
    ["a string event", "hello"],
    ["no fragment", { requestId: "r", region: "us-east-1" }],
    ["Resources not an object", { requestId: "r", region: "us-east-1", fragment: { Resources: [] } }],
    ["no region", { requestId: "r", fragment: { Resources: {} } }],
  ])("answers failure, never throws, for %s", async (_name, input) => {
    const response = await respond(input, {}, captureLogs().logger, offline);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/^DatadogServerless macro/);
  });

  test("answers success for resources without Properties and templates without Resources", async () => {
    const noProperties = { Resources: { F: { Type: "AWS::Lambda::Function" }, S: { Type: "AWS::Serverless::Function" }, X: null } };
    expect((await respond(event({ fragment: noProperties }), {}, captureLogs().logger, offline)).status).toBe("success");
    expect((await respond(event({ fragment: { Parameters: {} } }), {}, captureLogs().logger, offline)).status).toBe("success");
  });

  test("lists every problem, numbered, each with its fix", async () => {
    const response = await respond(event({ params: { pythonLayerVerison: 1, site: "nowhere.com", apiKey: "k", apiKMSKey: "k2" } }), {}, captureLogs().logger, offline);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/found 3 problems:\n1\. /);
    expect(response.errorMessage).toMatch(/did you mean `pythonLayerVersion`/);
    expect(response.errorMessage).toMatch(/the sites are datadoghq.com/);
    expect(response.errorMessage).toMatch(/Only one API key/);
  });

  test("failure returns the fragment as received", async () => {
    const input = event({ params: { site: "nowhere" } });
    const response = await respond(input, {}, captureLogs().logger, offline);
    expect(response.status).toBe("failure");
    expect(response.fragment).toEqual(input.fragment);
  });

  test("never logs API keys or environment values", async () => {
    const { logger, lines } = captureLogs();
    const fn = lambda({ Runtime: "python3.12", Handler: "app.handler", Environment: { Variables: { SECRET_TOKEN: "hunter2-value" } } });
    await respond(event({ params: { pythonLayerVersion: 1, apiKey: "dd-api-key-0123456789" }, fragment: template({ F: fn, G: { Type: "AWS::Lambda::Function", Properties: { Runtime: { "Fn::GetAtt": ["X", "Y"] } } } }) }), {}, logger, offline);
    await respond(event({ params: { apiKey: ["dd-api-key-0123456789"] } }), {}, logger, offline);
    const all = lines.join("\n");
    expect(lines.length).toBeGreaterThan(2);
    expect(all).not.toContain("dd-api-key-0123456789");
    expect(all).not.toContain("hunter2-value");
  });

  test("logs one JSON line per warning and a summary", async () => {
    const { logger, lines } = captureLogs();
    await respond(event({ params: { pythonLayerVersion: 1, exclude: "Ghost" } }), {}, logger, offline);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringMatching(/Ghost/), requestId: "req-1" }));
    expect(parsed).toContainEqual(expect.objectContaining({ level: "info", message: "transform succeeded", instrumented: 1 }));
  });

  test("reads region-wide defaults from the macro function's environment", async () => {
    const response = await respond(event({ params: {} }), { DD_PYTHON_LAYER_VERSION: "77", DD_SITE: "datadoghq.eu" }, captureLogs().logger, offline);
    const fn = (response.fragment as any).Resources.F.Properties;
    expect(fn.Layers[0]).toMatch(/Datadog-Python312:77$/);
    expect(fn.Environment.Variables.DD_SITE).toBe("datadoghq.eu");
  });

  test("builds no account view (and so loads no AWS SDK) without a forwarder or a pinned layer version", async () => {
    const refuse = () => {
      throw new Error("no AWS call expected");
    };
    expect((await respond(event(), {}, captureLogs().logger, refuse)).status).toBe("success");
    const withForwarder = await respond(event({ params: { forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:f", stackName: "s" } }), {}, captureLogs().logger, refuse);
    expect(withForwarder.status).toBe("failure");
    expect(withForwarder.errorMessage).toMatch(/no AWS call expected/);
    const pinned = await respond(event({ params: { pythonLayerVersion: 104 } }), {}, captureLogs().logger, refuse);
    expect(pinned.status).toBe("failure");
    expect(pinned.errorMessage).toMatch(/no AWS call expected/);
  });

  test("a pinned layer version that does not exist fails the response, naming the parameter and the ARN", async () => {
    const missing = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:1270";
    const asked: string[] = [];
    const view = (): AccountView => ({ ...offlineAccountView({}, {}, [missing]), layerVersionExists: async (arn) => (asked.push(arn), arn !== missing) });
    const response = await respond(event({ params: { pythonLayerVersion: 1270 } }), {}, captureLogs().logger, view);
    expect(asked).toEqual([missing]);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/E207.*`pythonLayerVersion`.*Datadog-Python312:1270/);
  });
});

describe("secrets never reach the response or the logs", () => {
  const key = "0123456789abcdef0123456789abcdef";
  test("an API key pasted into apiKeySecretArn is not in the message or the logs", async () => {
    const { logger, lines } = captureLogs();
    const event = { requestId: "r", region: "us-east-1", params: { apiKeySecretArn: key, addLayers: false }, templateParameterValues: {}, fragment: template({}) };
    const response = await respond(event, {}, logger);
    expect(response.errorMessage).toMatch(/E126\] Parameter `apiKeySecretArn` must be an ARN/);
    expect(`${response.errorMessage}${lines.join("")}`).not.toContain(key);
  });
  test("gitData given as a list keeps the repository credentials out of every message", async () => {
    const { logger, lines } = captureLogs();
    const gitData = ["abc1234", "https://deploy:s3cr3t-t0ken@github.com/acme/app"];
    const response = await respond({ requestId: "r", region: "us-east-1", params: { gitData, addLayers: false }, fragment: template({}) }, {}, logger);
    expect(response.status).toBe("failure");
    const everything = `${response.errorMessage}${lines.join("")}`;
    expect(everything).not.toContain("s3cr3t-t0ken");
    expect(everything).not.toContain("deploy:");
  });
  test("a secret value quoted by another message (here, as an unknown site) is masked", () => {
    const outcome = run(template({}), { apiKey: key, site: key, addLayers: false });
    expect(outcome.errors.join()).toMatch(/E121/);
    expect(outcome.errors.join()).not.toContain(key);
  });

  // The site is quoted cut to 60 characters: cut before redaction, a secret longer than that (KMS-encrypted
  // keys are ~200) pasted into `site` would leak its first 60 characters past a redactor of whole secrets.
  test("a long apiKMSKey quoted (cut) by another message is still masked", async () => {
    const kms = "AQICAHhKMSencryptedBlobAAAAbzBtBgkqhkiG9w0BBwagYDBeAgEAMFkGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM";
    const { response, everything } = await respondTo(template({}), { apiKMSKey: kms, site: kms, addLayers: false });
    expect(response.status).toBe("failure");
    expect(everything).not.toContain(kms.slice(0, 40));
  });

  // apiKey given as a Ref to a (NoEcho) template parameter: the value it resolves to is the secret, not only the
  // literal strings of the Ref ("DdKey"), so a message quoting that value (here `site`, the same Ref) must mask it.
  test("an apiKey resolved from a template parameter is masked wherever it is quoted", async () => {
    const fragment = { Parameters: { DdKey: { Type: "String", NoEcho: true } }, Resources: {} };
    const { response, everything } = await respondTo(fragment, { apiKey: { Ref: "DdKey" }, site: { Ref: "DdKey" }, addLayers: false }, { templateParameterValues: { DdKey: key } });
    expect(response.status).toBe("failure");
    expect(everything).not.toContain(key);
  });

  test("environment values of the template's functions never reach messages or logs (fuzzed, holds)", async () => {
    const secret = "hunter2-env-value-SECRET";
    const fn = lambda({ Runtime: "python3.12", Handler: "app.handler", Environment: { Variables: { TOKEN: secret, DD_SITE: { "Fn::If": ["C", secret, NO_VALUE] } } } });
    for (const params of [ALL_LAYERS, { addLayers: false, extensionLayerVersion: 1 }, { ...ALL_LAYERS, forwarderArn: FORWARDER }]) {
      const { everything } = await respondTo(template({ F: fn }, { Conditions: { C: { "Fn::Equals": ["a", "a"] } } }), params);
      expect(everything).not.toContain(secret);
    }
  });
});

describe("an internal error", () => {
  test("a bug of the macro on the forwarder path is an internal error, not a user error, and returns the fragment as received", async () => {
    const event = { requestId: "r1", region: "us-east-1", accountId: "123456789012", params: { ...ALL_LAYERS, forwarderArn: FORWARDER }, templateParameterValues: {}, fragment: template({ Fn: python({ FunctionName: "orders" }) }) };
    const before = jsonCopy(event.fragment);
    const broken = () => ({ ...offlineAccountView(), logGroupNames: async () => (undefined as any).boom });
    const response = await respond(event, {}, captureLogs().logger, broken);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/\[E901\] Unexpected internal error \(TypeError/);
    expect(response.fragment).toEqual(before);
  });
  test("an exception while writing the template leaves the fragment as received", async () => {
    const event = { requestId: "r2", region: "us-east-1", params: ALL_LAYERS, templateParameterValues: {}, fragment: template({ A: python(), B: python(), C: python() }) };
    const before = jsonCopy(event.fragment);
    // B's Tags throws when the tag step reads it (its second read: discovery reads it first), after A was instrumented.
    let reads = 0;
    Object.defineProperty((event.fragment.Resources as any).B.Properties, "Tags", {
      enumerable: true,
      get() {
        reads++;
        if (reads === 2) throw new Error("injected");
        return undefined;
      },
    });
    const response = await respond(event, {}, captureLogs().logger, () => offlineAccountView());
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/E901.*injected/);
    expect(response.fragment).toBe(event.fragment);
    expect(jsonCopy(event.fragment)).toEqual(before);
  });
});
