/**
 * LayerView over Lambda with AWS SDK v3: does a layer version exist (GetLayerVersionByArn, IAM action
 * `lambda:GetLayerVersion`)? The SDK is imported only when a pinned layer version is checked (the
 * Lambda Node.js runtime provides it; it is never bundled). As for CloudWatch Logs, the SDK's retries
 * are off and ours (`withRetries`) hold to a pace (a token bucket) until the deadline; callers bound how
 * many run at once.
 */
import type { LambdaClientConfig } from "@aws-sdk/client-lambda";
import { LookupError, type LayerView } from "./account-view";
import { clientSettings, DeadlineReached, once, withRetries } from "./cloudwatch";
import { DEFAULT_LOOKUP_BUDGET_MS, DEFAULT_RATES, FALLBACK_RATE, SYSTEM_CLOCK, TokenBucket, type Clock } from "./pacing";

export const GET_LAYER_VERSION = { operation: "GetLayerVersionByArn", permission: "lambda:GetLayerVersion" };

export interface LambdaLayerOptions {
  region: string;
  /** Another endpoint (a local test API); by default the SDK's, which also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** When to stop trying, on `clock` (ms); by default DEFAULT_LOOKUP_BUDGET_MS from the view's creation. */
  deadline?: number;
  /** Called once per AWS request sent, retries included (for tests). */
  onCall?: (operation: string) => void;
  /** Time, waits and jitter; tests pass a fake one that does not wait. */
  clock?: Clock;
  /** The SDK's HTTP handler (tests answer requests without a network). */
  requestHandler?: LambdaClientConfig["requestHandler"];
}

export function lambdaLayerView(options: LambdaLayerOptions): LayerView {
  const settings = clientSettings(options) as LambdaClientConfig;
  const connect = once(() => import("@aws-sdk/client-lambda").then((sdk) => ({ sdk, client: new sdk.LambdaClient(settings) })));
  const clock = options.clock ?? SYSTEM_CLOCK;
  const deadline = options.deadline ?? clock.now() + DEFAULT_LOOKUP_BUDGET_MS;
  const bucket = new TokenBucket(DEFAULT_RATES[GET_LAYER_VERSION.operation] ?? FALLBACK_RATE, clock);
  return {
    async layerVersionExists(layerVersionArn) {
      let attempts = 0;
      try {
        // Inside the try: an SDK that cannot be loaded is a lookup that cannot be made, not a bug.
        const { sdk, client } = await connect();
        await withRetries(
          (abortSignal) => {
            attempts++;
            options.onCall?.(GET_LAYER_VERSION.operation);
            return client.send(new sdk.GetLayerVersionByArnCommand({ Arn: layerVersionArn }), { abortSignal });
          },
          { bucket, deadline, clock },
        );
        return true;
      } catch (error) {
        if ((error as { name?: string })?.name === "ResourceNotFoundException") return false;
        throw unanswered(error instanceof DeadlineReached ? (error.lastError ?? error) : error, attempts);
      }
    },
  };
}

/** A lookup that could not tell: denied, unreachable, throttled past our retries. */
function unanswered(error: unknown, attempts: number): LookupError {
  const name = (error as { name?: string })?.name || "error";
  const message = (error as Error)?.message ?? String(error);
  const tries = attempts > 1 ? `, after ${attempts} attempts` : "";
  const detail = `${name}: ${message}${tries}`.slice(0, 300);
  const denied = /AccessDenied|NotAuthorized|Unauthorized/i.test(name);
  return new LookupError(`Could not check a layer version (${GET_LAYER_VERSION.operation}: ${detail})`, GET_LAYER_VERSION.operation, denied, denied ? GET_LAYER_VERSION.permission : "", detail);
}
