/**
 * How fast, and for how long, the lookups may call AWS.
 *
 * CloudWatch Logs' Describe* quotas are per account and region, shared by every deploy, tool and
 * console of the account: the macro keeps to them (a token bucket per operation), slows down when AWS
 * throttles it anyway (someone else is using the allowance), and keeps trying until the time the Lambda
 * invocation has left is spent (a deadline), rather than for a fixed number of attempts.
 */

/** Time and chance, injectable so that tests never really wait. */
export interface Clock {
  /** Milliseconds, on the same scale as the deadlines given to the lookups (Date.now by default). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for the jitter. */
  random(): number;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * Documented default quotas (requests per second, per account and region): CloudWatch Logs'
 * DescribeLogGroups 10, DescribeSubscriptionFilters 5. ListStackResources has no published figure;
 * the macro reads at most a few pages of it, at the lower of the two.
 */
export const DEFAULT_RATES: Readonly<Record<string, number>> = {
  DescribeLogGroups: 10,
  DescribeSubscriptionFilters: 5,
  ListStackResources: 5,
};
/** Rate of an operation missing from DEFAULT_RATES. */
export const FALLBACK_RATE = 5;
/** A throttled operation's rate is multiplied by this (other callers are using the account's allowance)... */
export const THROTTLED_RATE_FACTOR = 0.5;
/** ...down to this floor (requests per second), so the deadline, not a crawl, decides when to give up... */
export const MIN_RATE = 0.5;
/** ...and grows back by this share of its default rate with each success, up to the default. */
export const RECOVERY_SHARE = 0.1;

/**
 * The Lambda function's default `Timeout` (seconds) in template.yml. A template of 500 functions whose
 * groups exist needs about 520 Describe* calls (10 pages of listings, one filter lookup per group):
 * about 105 s at 5 calls a second. 300 s covers that nearly three times over, for accounts whose
 * allowance other deploys share; the function is billed for the time it runs, not its timeout.
 */
export const MACRO_TIMEOUT_SECONDS = 300;
/** Time kept back from the invocation's remaining time to answer CloudFormation after the lookups. */
export const RESPONSE_MARGIN_MS = 5_000;
/** The lookups' time when the caller gives no deadline (CLI, tests): as much as the deployed macro has. */
export const DEFAULT_LOOKUP_BUDGET_MS = MACRO_TIMEOUT_SECONDS * 1000 - RESPONSE_MARGIN_MS;

/** The deadline of an invocation with `remainingMs` left (Lambda's getRemainingTimeInMillis), on `clock`. */
export function deadlineFor(remainingMs: number, clock: Pick<Clock, "now"> = SYSTEM_CLOCK): number {
  return clock.now() + Math.max(0, remainingMs - RESPONSE_MARGIN_MS);
}

/**
 * A token bucket of one token refilled at `rate` per second, kept as the time the next token is due
 * (the "generic cell rate" form: a schedule, so concurrent callers queue in order without a timer).
 * The rate adapts: halved on throttling, recovered step by step on success.
 */
export class TokenBucket {
  private currentRate: number;
  /** When the next token is due, on the clock. */
  private due = -Infinity;

  constructor(
    private readonly defaultRate: number,
    private readonly clock: Clock,
  ) {
    this.currentRate = defaultRate;
  }

  get rate(): number {
    return this.currentRate;
  }

  /** Waits for a token; false, at once and without taking one, when it would come after `deadline`. */
  async take(deadline: number): Promise<boolean> {
    const now = this.clock.now();
    const at = Math.max(now, this.due);
    if (at > deadline) return false;
    this.due = at + 1000 / this.currentRate;
    if (at > now) await this.clock.sleep(at - now);
    return true;
  }

  /** AWS throttled a request: the account's allowance is busier than the default rate assumes. */
  throttled(): void {
    this.currentRate = Math.max(MIN_RATE, this.currentRate * THROTTLED_RATE_FACTOR);
  }

  succeeded(): void {
    this.currentRate = Math.min(this.defaultRate, this.currentRate + this.defaultRate * RECOVERY_SHARE);
  }
}

export interface BackoffPolicy {
  /** Delay before the first retry, doubled for each further one... */
  baseDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
}

/** 125-250 ms before the first retry, doubling to 2-4 s: long enough for per-second quotas to refill. */
export const BACKOFF: BackoffPolicy = { baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * The wait after the `attempt`-th failure: exponential, capped, with "equal jitter" (half fixed, half
 * random), so that concurrent requests throttled together spread out, yet none retries at once.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  // The exponent is capped so that a long run of attempts cannot overflow to Infinity.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
