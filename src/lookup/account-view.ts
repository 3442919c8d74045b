/**
 * The macro's only I/O: read-only questions about CloudWatch Logs in the deploying account.
 * The real implementation calls AWS; the offline one (preview, tests) answers from a fixture.
 */
export interface SubscriptionFilterInfo {
  filterName: string;
  destinationArn: string;
}

export interface AccountView {
  /** Names of every log group starting with `prefix` (all pages). */
  logGroupNames(prefix: string): Promise<string[]>;
  /** The subscription filters of an existing log group. */
  subscriptionFilters(logGroupName: string): Promise<SubscriptionFilterInfo[]>;
}

/** A lookup that failed; the message names what to fix (often a missing permission of the macro's role). */
export class LookupError extends Error {}

/** An account view over a fixed set of log groups: nothing exists unless listed. */
export function offlineAccountView(groups: Record<string, SubscriptionFilterInfo[]> = {}): AccountView {
  return {
    async logGroupNames(prefix) {
      return Object.keys(groups).filter((name) => name.startsWith(prefix));
    },
    async subscriptionFilters(name) {
      return groups[name] ?? [];
    },
  };
}
