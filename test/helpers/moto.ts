/**
 * A local AWS API for tests: moto_server on 127.0.0.1 (a free port), stopped after the suite.
 * Tests that need it skip, with a printed reason, when moto_server is not installed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { missingCommand } from "./corpus";

export const MOTO_MISSING = missingCommand("moto_server", ["--help"]);

export interface Moto {
  endpoint: string;
  stop(): void;
  /** A JSON-protocol call (X-Amz-Target), for fixtures of services the project has no SDK client for. */
  call(target: string, body: unknown): Promise<any>;
}

const SERVICES: Record<string, string> = { Kinesis_20131202: "kinesis", Firehose_20150804: "firehose", Logs_20140328: "logs" };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** `env`: moto's own settings, e.g. MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS=false to deny one account another's bucket as AWS does. */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore", env: { ...process.env, ...env } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(endpoint)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("moto_server did not start within 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    endpoint,
    stop: () => child.kill(),
    async call(target, body) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": target,
          // moto routes by the service named in the credential scope; it does not check signatures.
          Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${SERVICES[target.split(".")[0]]}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${target}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : {};
    },
  };
}

/** Fake credentials for the SDK talking to moto. */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  delete process.env.AWS_PROFILE;
}

/** Every log group of the account with its subscription filters, in order: what a test compares before and after. */
export async function logGroupsSnapshot(moto: Moto): Promise<[string, unknown][]> {
  const logs = (target: string, body: unknown) => moto.call(`Logs_20140328.${target}`, body);
  const groups: { logGroupName: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs("DescribeLogGroups", { nextToken });
    groups.push(...page.logGroups);
    nextToken = page.nextToken;
  } while (nextToken);
  return Promise.all(groups.map(async (g): Promise<[string, unknown]> => [g.logGroupName, (await logs("DescribeSubscriptionFilters", { logGroupName: g.logGroupName })).subscriptionFilters]));
}
