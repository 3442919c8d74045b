/**
 * The macro's only I/O: read-only questions about CloudWatch Logs (and the stack's resources) in the
 * deploying account, and whether the layer versions pinned by parameters exist.
 * The real implementations call AWS; the offline one (preview, tests) answers from a fixture.
 */
export interface SubscriptionFilterInfo {
  filterName: string;
  destinationArn: string;
}

/** Log groups and the stack's resources (CloudWatch Logs, CloudFormation). */
export interface LogView {
  /** Names of every log group starting with `prefix` (all pages); the empty prefix lists every group. */
  logGroupNames(prefix: string): Promise<string[]>;
  /** The subscription filters of an existing log group. */
  subscriptionFilters(logGroupName: string): Promise<SubscriptionFilterInfo[]>;
  /**
   * The physical id of each resource the stack has (all pages), by logical id; empty when the stack
   * does not exist yet. Needed for names AWS derives from an id, such as API execution log groups.
   */
  stackResourceIds(stackName: string): Promise<Map<string, string>>;
}

/** Lambda layer versions (Lambda). */
export interface LayerView {
  /** False when the layer version does not exist (ResourceNotFoundException); throws LookupError when it cannot tell. */
  layerVersionExists(layerVersionArn: string): Promise<boolean>;
}

export interface AccountView extends LogView, LayerView {}

/** A lookup that failed; the message names what to fix (often a missing permission of the macro's role). */
export class LookupError extends Error {
  constructor(
    message: string,
    /** The AWS operation that failed, e.g. DescribeLogGroups. */
    readonly operation = "lookup",
    /** The macro's role lacks the permission (`permission`) for it. */
    readonly denied = false,
    readonly permission = "",
    /** What AWS said (the error's name and message), for a failure that is not a denial. */
    readonly detail = message,
  ) {
    super(message);
  }
}

/**
 * The lookups' time ran out (the invocation's deadline) before every log group was checked, typically
 * because the account's rate limits are busy. gatherLogFacts counts what was left (`unchecked` of `total`).
 */
export class LookupOutOfTime extends LookupError {
  constructor(
    operation: string,
    /** What AWS last said, when a request was being retried ("" when waiting for our own pace). */
    detail: string,
    /** Log groups the template needs that were not checked, of `total`; undefined before gathering began. */
    readonly unchecked?: number,
    readonly total?: number,
  ) {
    super(`Ran out of time looking up log groups (${operation}${detail ? `: ${detail}` : ""})`, operation, false, "", detail);
  }
}

/**
 * An account view over a fixed set of log groups and stack resources: nothing exists unless listed.
 * Every layer version exists but those listed in `missingLayers`.
 */
export function offlineAccountView(
  groups: Record<string, SubscriptionFilterInfo[]> = {},
  stackResources: Record<string, string> = {},
  missingLayers: readonly string[] = [],
): AccountView {
  return {
    ...offlineLayerView(missingLayers),
    async stackResourceIds() {
      return new Map(Object.entries(stackResources));
    },
    async logGroupNames(prefix) {
      return Object.keys(groups).filter((name) => name.startsWith(prefix));
    },
    async subscriptionFilters(name) {
      return groups[name] ?? [];
    },
  };
}

/** A layer view where every layer version exists but the `missing` ones. */
export function offlineLayerView(missing: readonly string[] = []): LayerView {
  return {
    async layerVersionExists(layerVersionArn) {
      return !missing.includes(layerVersionArn);
    },
  };
}
