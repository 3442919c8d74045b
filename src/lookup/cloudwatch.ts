/**
 * AccountView over CloudWatch Logs with AWS SDK v3. The SDK is imported only when a forwarder is
 * configured (the Lambda Node.js runtime provides it; it is never bundled).
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LookupError, type AccountView } from "./account-view";

export interface CloudWatchOptions {
  region: string;
  /** Another endpoint (a local test API); by default the SDK's, which also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  maxAttempts?: number;
  /** Called once per AWS request (for benchmarks and tests). */
  onCall?: (operation: string) => void;
}

/** Throttling is retried with backoff by the SDK; a few more attempts than its default suit bursts of lookups. */
const MAX_ATTEMPTS = 8;

const PERMISSION: Record<string, string> = {
  DescribeLogGroups: "logs:DescribeLogGroups",
  DescribeSubscriptionFilters: "logs:DescribeSubscriptionFilters",
};

export function cloudWatchAccountView(options: CloudWatchOptions): AccountView {
  let client: Promise<{ client: CloudWatchLogsClient; sdk: typeof import("@aws-sdk/client-cloudwatch-logs") }> | undefined;
  const connect = () =>
    (client ??= import("@aws-sdk/client-cloudwatch-logs").then((sdk) => ({
      sdk,
      client: new sdk.CloudWatchLogsClient({
        region: options.region,
        endpoint: options.endpoint,
        maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
        retryMode: "adaptive",
      }),
    })));

  async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    options.onCall?.(operation);
    try {
      return await send();
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
        const page = await call("DescribeLogGroups", () =>
          logs.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken, limit: 50 })),
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
  };
}

function explain(operation: string, error: unknown): LookupError {
  const name = (error as { name?: string })?.name ?? "";
  const message = (error as Error)?.message ?? String(error);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name)) {
    return new LookupError(
      `The macro's role may not call ${operation}; add ${PERMISSION[operation]} to the DatadogServerless macro function's role (template.yml grants it), then deploy again.`,
    );
  }
  return new LookupError(
    `Could not look up log groups (${operation}: ${name || "error"}: ${message}); the macro needs read access to CloudWatch Logs (${Object.values(PERMISSION).join(", ")}). Deploy again once it is reachable.`,
  );
}
