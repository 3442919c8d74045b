/**
 * AccountView over CloudWatch Logs with AWS SDK v3. The SDK is imported only when a forwarder is
 * configured (the Lambda Node.js runtime provides it; it is never bundled).
 *
 * Every request goes through one small limiter (at most `concurrency` requests in flight for the view,
 * whatever its callers do), a token bucket per operation (pacing.ts: the account's documented rate,
 * slowed down when AWS throttles) and our own retry loop (`withRetries`), which keeps trying until the
 * view's deadline, not for a fixed number of attempts. The SDK's own retries are turned off
 * (maxAttempts 1) so that attempts do not multiply, and because:
 *  - the backoff and pace are then explicit and testable (an injectable clock), where the SDK's depend
 *    on its version, which the Lambda runtime chooses, not us;
 *  - the SDK knows nothing of the invocation's remaining time, which decides how long to keep trying;
 *  - a request that waits for its retry keeps its slot in the limiter, so a throttled account sees
 *    fewer requests at once instead of the same burst again.
 */
import type { CloudFormationClientConfig } from "@aws-sdk/client-cloudformation";
import type { CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { LookupError, LookupOutOfTime, type LogView } from "./account-view";
import { BACKOFF, backoffDelay, DEFAULT_LOOKUP_BUDGET_MS, DEFAULT_RATES, FALLBACK_RATE, SYSTEM_CLOCK, TokenBucket, type BackoffPolicy, type Clock } from "./pacing";

export interface CloudWatchOptions {
  region: string;
  /** Another endpoint (a local test API); by default the SDK's, which also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** When to stop trying, on `clock` (ms); by default DEFAULT_LOOKUP_BUDGET_MS from the view's creation. */
  deadline?: number;
  /** Requests in flight at once for this view (default MAX_IN_FLIGHT). */
  concurrency?: number;
  /** Called once per AWS request sent, retries included (for benchmarks and tests). */
  onCall?: (operation: string) => void;
  /** Called before each retry with the delay chosen (for tests and logs). */
  onRetry?: (operation: string, attempt: number, delayMs: number, error: unknown) => void;
  /** Time, waits and jitter; tests pass a fake one that does not wait. */
  clock?: Clock;
  /** The SDK's HTTP handler (tests answer requests without a network). */
  requestHandler?: CloudWatchLogsClientConfig["requestHandler"];
}

/** Requests of one view in flight at once (gatherLogFacts bounds its own calls too). */
export const MAX_IN_FLIGHT = 10;

const PERMISSION: Record<string, string> = {
  DescribeLogGroups: "logs:DescribeLogGroups",
  DescribeSubscriptionFilters: "logs:DescribeSubscriptionFilters",
  ListStackResources: "cloudformation:ListStackResources",
};
/** Pages of ListStackResources (100 resources each) read at most: a stack holds at most 500 resources. */
const MAX_STACK_PAGES = 10;

/**
 * The settings of every AWS SDK client of the macro: the SDK's retries off (ours pace and retry, see the
 * top of this file), and a test's endpoint or HTTP handler when given.
 */
export function clientSettings(options: { region: string; endpoint?: string; requestHandler?: unknown }) {
  return {
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 1,
    retryMode: "standard",
    ...(options.requestHandler ? { requestHandler: options.requestHandler as CloudWatchLogsClientConfig["requestHandler"] } : {}),
  };
}

export function cloudWatchAccountView(options: CloudWatchOptions): LogView {
  const settings = clientSettings(options);
  // Each SDK is imported on first use: CloudFormation only for execution log groups.
  const connect = once(() => import("@aws-sdk/client-cloudwatch-logs").then((sdk) => ({ sdk, client: new sdk.CloudWatchLogsClient(settings) })));
  const connectStacks = once(() =>
    import("@aws-sdk/client-cloudformation").then((sdk) => ({ sdk, client: new sdk.CloudFormationClient(settings as CloudFormationClientConfig) })),
  );
  const clock = options.clock ?? SYSTEM_CLOCK;
  const deadline = options.deadline ?? clock.now() + DEFAULT_LOOKUP_BUDGET_MS;
  const limit = limiter(options.concurrency ?? MAX_IN_FLIGHT);
  const buckets = new Map<string, TokenBucket>();
  const bucketFor = (operation: string) => {
    let bucket = buckets.get(operation);
    if (!bucket) buckets.set(operation, (bucket = new TokenBucket(DEFAULT_RATES[operation] ?? FALLBACK_RATE, clock)));
    return bucket;
  };

  async function call<T>(operation: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await limit(() =>
        withRetries(
          (abortSignal) => {
            options.onCall?.(operation);
            return send(abortSignal);
          },
          { bucket: bucketFor(operation), deadline, clock, onRetry: (attempt, delay, error) => options.onRetry?.(operation, attempt, delay, error) },
        ),
      );
    } catch (error) {
      throw explain(operation, error);
    }
  }

  return {
    async logGroupNames(prefix) {
      const { client: logs, sdk } = await connect();
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call("DescribeLogGroups", (abortSignal) =>
          // The API takes no empty prefix; without one it lists every group.
          logs.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix || undefined, nextToken, limit: 50 }), { abortSignal }),
        );
        for (const group of page.logGroups ?? []) if (group.logGroupName) names.push(group.logGroupName);
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    },
    async subscriptionFilters(logGroupName) {
      const { client: logs, sdk } = await connect();
      const filters = [];
      let nextToken: string | undefined;
      do {
        const page = await call("DescribeSubscriptionFilters", (abortSignal) =>
          logs.send(new sdk.DescribeSubscriptionFiltersCommand({ logGroupName, nextToken }), { abortSignal }),
        );
        for (const filter of page.subscriptionFilters ?? []) {
          filters.push({ filterName: filter.filterName ?? "", destinationArn: filter.destinationArn ?? "" });
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return filters;
    },
    async stackResourceIds(stackName) {
      const { client: cloudformation, sdk } = await connectStacks();
      const ids = new Map<string, string>();
      let nextToken: string | undefined;
      let pages = 0;
      do {
        let page;
        try {
          page = await call("ListStackResources", (abortSignal) => cloudformation.send(new sdk.ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }), { abortSignal }));
        } catch (error) {
          // A stack being created for the first time does not exist yet: neither do its resources.
          if (error instanceof LookupError && /does not exist/i.test(error.detail)) return ids;
          throw error;
        }
        for (const summary of page.StackResourceSummaries ?? []) {
          if (summary.LogicalResourceId && summary.PhysicalResourceId) ids.set(summary.LogicalResourceId, summary.PhysicalResourceId);
        }
        nextToken = page.NextToken;
      } while (nextToken && ++pages < MAX_STACK_PAGES);
      return ids;
    },
  };
}

/** `make`, called once, on first use. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export interface Pace {
  /** The operation's token bucket: one token per request sent. */
  bucket: TokenBucket;
  /** When to give up, on `clock`. */
  deadline: number;
  clock: Clock;
  backoff?: BackoffPolicy;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Why a request was not sent again before its deadline: what AWS last said. */
export class DeadlineReached extends Error {
  constructor(readonly lastError: unknown) {
    super("deadline reached");
  }
}

/**
 * Runs `send`, at the bucket's pace, until it succeeds, fails with an error a retry cannot fix, or the
 * next attempt could not start before the deadline (then DeadlineReached). Bounded: each retry waits at
 * least half of BACKOFF.baseDelayMs, and the deadline is finite.
 */
export async function withRetries<T>(send: (abortSignal: AbortSignal) => Promise<T>, pace: Pace): Promise<T> {
  const { bucket, deadline, clock } = pace;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    if (!(await bucket.take(deadline))) throw new DeadlineReached(lastError);
    try {
      const result = await beforeDeadline(send, deadline - clock.now());
      bucket.succeeded();
      return result;
    } catch (error) {
      // A request still unanswered at the deadline is abandoned (and aborted): it must not outlive the invocation.
      if (error instanceof RequestAbandoned) throw new DeadlineReached(lastError ?? error);
      if (!isRetryable(error)) throw error;
      lastError = error;
      if (isThrottling(error)) bucket.throttled();
      const delay = backoffDelay(attempt, pace.backoff ?? BACKOFF, clock.random());
      if (clock.now() + delay > deadline) throw new DeadlineReached(error);
      pace.onRetry?.(attempt, delay, error);
      await clock.sleep(delay);
    }
  }
}

/** A request abandoned at the deadline, still unanswered. */
class RequestAbandoned extends Error {
  constructor(waitedMs: number) {
    super(`no answer within ${Math.round(waitedMs)} ms, the time the invocation had left`);
    this.name = "RequestTimeout";
  }
}

/**
 * `send`, given `ms` (real time: a request's wait is the network's, whatever the clock) before it is
 * aborted and abandoned. The timer does not keep the process alive.
 */
function beforeDeadline<T>(send: (abortSignal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new RequestAbandoned(ms));
    }, Math.max(0, ms));
    timer.unref?.();
  });
  return Promise.race([send(controller.signal), abandoned]).finally(() => clearTimeout(timer));
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);
const TRANSIENT = new Set(["ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "RequestTimeout", "RequestTimeoutException", "TimeoutError"]);
/** Connection errors worth another try; not ECONNREFUSED or ENOTFOUND, which a retry does not fix. */
const NETWORK = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN"]);

/** AWS refused the request for its rate: the account's allowance is in use. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (name !== undefined && THROTTLING.has(name)) || $metadata?.httpStatusCode === 429;
}

/** Throttling, a server error (5xx) or a dropped connection: worth another attempt. */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code, $metadata, $retryable } = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const status = $metadata?.httpStatusCode;
  return (
    (name !== undefined && (THROTTLING.has(name) || TRANSIENT.has(name))) ||
    (code !== undefined && NETWORK.has(code)) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    $retryable !== undefined
  );
}

/** Runs at most `concurrency` of the functions given to it at once, the others in order of arrival. */
export function limiter(concurrency: number): <T>(work: () => Promise<T>) => Promise<T> {
  const bound = Math.max(1, concurrency);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= bound) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, so a newcomer cannot take it in between.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function explain(operation: string, error: unknown): LookupError {
  if (error instanceof DeadlineReached) return new LookupOutOfTime(operation, error.lastError === undefined ? "" : describe(error.lastError));
  const name = (error as { name?: string })?.name ?? "";
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name)) {
    return new LookupError(
      `The macro's role may not call ${operation}; add ${PERMISSION[operation]} to the DatadogServerless macro function's role (template.yml grants it), then deploy again.`,
      operation,
      true,
      PERMISSION[operation],
    );
  }
  const detail = describe(error);
  return new LookupError(
    `Could not look up log groups (${operation}: ${detail}); the macro needs read access to CloudWatch Logs and the stack (${Object.values(PERMISSION).join(", ")}). Deploy again once they are reachable.`,
    operation,
    false,
    "",
    detail,
  );
}

/** An AWS error's name and message, short. */
function describe(error: unknown): string {
  const name = (error as { name?: string })?.name ?? "";
  const message = (error as Error)?.message ?? String(error);
  return `${name || "error"}: ${message}`.slice(0, 300);
}
