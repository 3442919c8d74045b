/**
 * A throttling proxy on 127.0.0.1 in front of a local AWS API (moto_server): it forwards requests,
 * but answers CloudWatch Logs' ThrottlingException (HTTP 400, JSON `__type`) to any request beyond
 * `perSecond` in the last second, as an account's shared Describe* quota would. Used by the
 * integration tests and by scripts/bench-forwarder.mjs (bundled by esbuild). Only ever talks to the
 * target given, which callers keep on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface ThrottleProxy {
  endpoint: string;
  /** Requests forwarded, and requests throttled, since the start. */
  counts: { forwarded: number; throttled: number };
  stop(): Promise<void>;
}

const WINDOW_MS = 1000;

/** Starts the proxy on a free port of 127.0.0.1, forwarding to `target` (e.g. http://127.0.0.1:5000). */
export async function startThrottleProxy(target: string, perSecond: number): Promise<ThrottleProxy> {
  if (new URL(target).hostname !== "127.0.0.1") throw new Error("the throttling proxy only forwards to 127.0.0.1");
  const counts = { forwarded: 0, throttled: 0 };
  // Times of the requests let through in the last second; at most `perSecond` entries.
  const recent: number[] = [];

  const admit = (): boolean => {
    const now = Date.now();
    while (recent.length > 0 && recent[0] <= now - WINDOW_MS) recent.shift();
    if (recent.length >= perSecond) return false;
    recent.push(now);
    return true;
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!admit()) {
      counts.throttled++;
      response.writeHead(400, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": "ThrottlingException" });
      response.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
      return;
    }
    counts.forwarded++;
    const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== "host" && entry[0] !== "content-length"));
    const upstream = await fetch(new URL(request.url ?? "/", target), {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    response.writeHead(upstream.status, { "Content-Type": upstream.headers.get("content-type") ?? "application/json" });
    response.end(body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the throttling proxy has no port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps its connections alive; close them so the server can stop now.
        server.closeAllConnections();
      }),
  };
}
