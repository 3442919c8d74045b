/**
 * AccountView over CloudWatch Logs with AWS SDK v3. The SDK is imported only when a forwarder is
 * configured (the Lambda Node.js runtime provides it; it is never bundled).
 *
 * Every request goes through one small limiter (at most `concurrency` requests in flight for the view,
 * whatever its callers do) and our own retry loop (`withRetries`). The SDK's own retries are turned
 * off (maxAttempts 1) so that attempts do not multiply (8 of ours times 8 of the SDK's), and because:
 *  - the backoff is then explicit, bounded and testable (an injectable sleep and random source), where
 *    the SDK's depends on its version, which the Lambda runtime chooses, not us;
 *  - its "adaptive" mode rate-limits the whole client after a throttle, down to 0.5 request/s, which
 *    suits long batch jobs but not a macro that must answer within its Lambda timeout (30 s);
 *  - a request that waits for its retry keeps its slot in the limiter, so a throttled account sees
 *    fewer requests at once instead of the same burst again.
 */
import type { CloudFormationClientConfig } from "@aws-sdk/client-cloudformation";
import type { CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { LookupError, type LogView } from "./account-view";

export interface CloudWatchOptions {
  region: string;
  /** Another endpoint (a local test API); by default the SDK's, which also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Attempts per request, the first included (default RETRY.maxAttempts); 1 never retries. */
  maxAttempts?: number;
  /** Requests in flight at once for this view (default MAX_IN_FLIGHT). */
  concurrency?: number;
  /** Called once per AWS request sent, retries included (for benchmarks and tests). */
  onCall?: (operation: string) => void;
  /** Called before each retry with the delay chosen (for tests and logs). */
  onRetry?: (operation: string, attempt: number, delayMs: number, error: unknown) => void;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter; Math.random by default. */
  random?: () => number;
  /** The SDK's HTTP handler (tests answer requests without a network). */
  requestHandler?: CloudWatchLogsClientConfig["requestHandler"];
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the first retry, doubled for each further one... */
  baseDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
}

/**
 * Up to 6 attempts, waiting 125-250, 250-500, 500-1000, 1000-2000 and 2000-4000 ms between them: at
 * most 7.75 s for a request, well within the macro's 30 s timeout, and long enough for CloudWatch Logs'
 * per-second quotas to refill.
 */
export const RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 4000 };
/** Requests of one view in flight at once (gatherLogFacts bounds its own calls too). */
export const MAX_IN_FLIGHT = 10;

const PERMISSION: Record<string, string> = {
  DescribeLogGroups: "logs:DescribeLogGroups",
  DescribeSubscriptionFilters: "logs:DescribeSubscriptionFilters",
  ListStackResources: "cloudformation:ListStackResources",
};
/** Pages of ListStackResources (100 resources each) read at most: a stack holds at most 500 resources. */
const MAX_STACK_PAGES = 10;

export function cloudWatchAccountView(options: CloudWatchOptions): LogView {
  // Retries are ours (see the top of this file); one set of settings for both clients.
  const settings = {
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 1,
    retryMode: "standard",
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  };
  // Each SDK is imported on first use: CloudFormation only for execution log groups.
  const connect = once(() => import("@aws-sdk/client-cloudwatch-logs").then((sdk) => ({ sdk, client: new sdk.CloudWatchLogsClient(settings) })));
  const connectStacks = once(() =>
    import("@aws-sdk/client-cloudformation").then((sdk) => ({ sdk, client: new sdk.CloudFormationClient(settings as CloudFormationClientConfig) })),
  );
  const policy: RetryPolicy = { ...RETRY, maxAttempts: Math.max(1, options.maxAttempts ?? RETRY.maxAttempts) };
  const limit = limiter(options.concurrency ?? MAX_IN_FLIGHT);

  async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    let attempts = 0;
    try {
      return await limit(() =>
        withRetries(
          () => {
            attempts++;
            options.onCall?.(operation);
            return send();
          },
          policy,
          {
            sleep: options.sleep,
            random: options.random,
            onRetry: (attempt, delay, error) => options.onRetry?.(operation, attempt, delay, error),
          },
        ),
      );
    } catch (error) {
      throw explain(operation, error, attempts);
    }
  }

  return {
    async logGroupNames(prefix) {
      const { client: logs, sdk } = await connect();
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call("DescribeLogGroups", () =>
          // The API takes no empty prefix; without one it lists every group.
          logs.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix || undefined, nextToken, limit: 50 })),
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
        const page = await call("DescribeSubscriptionFilters", () =>
          logs.send(new sdk.DescribeSubscriptionFiltersCommand({ logGroupName, nextToken })),
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
          page = await call("ListStackResources", () => cloudformation.send(new sdk.ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken })));
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

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Runs `send` until it succeeds, fails for good, or has been tried `policy.maxAttempts` times. */
export async function withRetries<T>(send: () => Promise<T>, policy: RetryPolicy = RETRY, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      const delay = backoffDelay(attempt, policy, random());
      hooks.onRetry?.(attempt, delay, error);
      await sleep(delay);
    }
  }
}

/**
 * The wait after the `attempt`-th failure: exponential, capped, with "equal jitter" (half fixed, half
 * random), so that concurrent requests throttled together spread out, yet none retries at once.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
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

function explain(operation: string, error: unknown, attempts: number): LookupError {
  const name = (error as { name?: string })?.name ?? "";
  const message = (error as Error)?.message ?? String(error);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name)) {
    return new LookupError(
      `The macro's role may not call ${operation}; add ${PERMISSION[operation]} to the DatadogServerless macro function's role (template.yml grants it), then deploy again.`,
      operation,
      true,
      PERMISSION[operation],
    );
  }
  const tries = attempts > 1 ? `, after ${attempts} attempts` : "";
  const detail = `${name || "error"}: ${message}${tries}`.slice(0, 300);
  return new LookupError(
    `Could not look up log groups (${operation}: ${detail}); the macro needs read access to CloudWatch Logs and the stack (${Object.values(PERMISSION).join(", ")}). Deploy again once they are reachable.`,
    operation,
    false,
    "",
    detail,
  );
}
