/**
 * The recommended monitors, shipped with the release: Datadog's Serverless plugin fetches its own from
 * Datadog's API at deploy time, which a macro (no Datadog credentials, no network at transform time)
 * cannot. Each is written from the metrics and threshold the plugin's README lists for that id.
 * `$scope` in a query stands for this stack (see `scopedQuery`); the query ends with `<comparison>
 * <critical threshold>`, the threshold being the monitor's `options.thresholds.critical` when given.
 */

export interface RecommendedMonitor {
  name: string;
  /** The query up to its comparison: what is measured, per function. */
  measure: string;
  comparison: ">=" | ">";
  /** The default critical threshold, in the measure's unit. */
  critical: number;
  message: string;
}

/** Every recommended monitor alerts per function (the same grouping the plugin's names use). */
const PER_FUNCTION = "by {aws_account,functionname,region}";
/** The names say which function, region and account alerted (Datadog template variables of the grouping). */
const WHERE = "{{functionname.name}} in {{region.name}} ({{aws_account.name}})";

/** A ratio of two counts over the last 15 minutes, per function. */
const ratio = (numerator: string, denominator: string) =>
  `avg(last_15m):sum:${numerator} ${PER_FUNCTION}.as_count() / sum:${denominator} ${PER_FUNCTION}.as_count()`;

/** Keyed by the plugin's monitor ids. */
export const RECOMMENDED_MONITORS: Readonly<Record<string, RecommendedMonitor>> = {
  high_error_rate: {
    name: `High error rate on ${WHERE}`,
    measure: ratio("aws.lambda.errors{$scope}", "aws.lambda.invocations{$scope}"),
    comparison: ">=",
    critical: 0.1,
    message: "At least 10% of this function's invocations failed over the last 15 minutes. Look at its logs and traces, and at what was deployed recently.",
  },
  timeout: {
    name: `Timeout on ${WHERE}`,
    // aws.lambda.duration is in milliseconds, aws.lambda.timeout (the configured timeout) in seconds.
    measure: `avg(last_15m):max:aws.lambda.duration.maximum{$scope} ${PER_FUNCTION} / (max:aws.lambda.timeout{$scope} ${PER_FUNCTION} * 1000)`,
    comparison: ">=",
    critical: 1,
    message: "An invocation of this function ran for its whole configured timeout over the last 15 minutes. Traces show which call was slow; otherwise raise the function's timeout.",
  },
  out_of_memory: {
    name: `Out of memory on ${WHERE}`,
    measure: `sum(last_15m):sum:aws.lambda.enhanced.out_of_memory{$scope} ${PER_FUNCTION}.as_count()`,
    comparison: ">",
    critical: 0,
    message: "An invocation of this function ran out of memory over the last 15 minutes. Give the function more memory, or find what holds it with profiling and traces.",
  },
  high_iterator_age: {
    name: `High iterator age on ${WHERE}`,
    // aws.lambda.iterator_age is in milliseconds: 24 hours.
    measure: `avg(last_15m):max:aws.lambda.iterator_age.maximum{$scope} ${PER_FUNCTION}`,
    comparison: ">=",
    critical: 86_400_000,
    message: "This function reads stream records that are a day old or more: it does not keep up with its stream. Look at its duration and errors, its batch size, and the stream's shard count.",
  },
  high_cold_start_rate: {
    name: `High cold start rate on ${WHERE}`,
    measure: ratio("aws.lambda.enhanced.invocations{cold_start:true AND $scope}", "aws.lambda.enhanced.invocations{$scope}"),
    comparison: ">=",
    critical: 0.2,
    message: "At least 20% of this function's invocations over the last 15 minutes were cold starts. Provisioned concurrency, or a smaller package and lighter start-up, reduce them.",
  },
  high_throttles: {
    name: `High throttles on ${WHERE}`,
    measure: ratio("aws.lambda.throttles{$scope}", "aws.lambda.invocations{$scope}"),
    comparison: ">=",
    critical: 0.2,
    message: "Throttled requests reached 20% of this function's invocations over the last 15 minutes. Check its reserved concurrency and the account's concurrency quota.",
  },
  increased_cost: {
    name: `Increased cost on ${WHERE}`,
    // pct_change gives percents: the last hour's estimated cost against the same hour a day before.
    measure: `pct_change(avg(last_1h),1d_ago):sum:aws.lambda.enhanced.estimated_cost{$scope} ${PER_FUNCTION}`,
    comparison: ">",
    critical: 20,
    message: "This function's estimated cost rose by more than 20% against the same hour yesterday: more traffic, or longer invocations.",
  },
};

export const RECOMMENDED_MONITOR_IDS = Object.keys(RECOMMENDED_MONITORS);

/** The monitors' type when a monitor does not give one: Datadog's plugin defaults to it too. */
export const DEFAULT_MONITOR_TYPE = "metric alert";

/** Who created a monitor, as a tag (the plugin tags its own `created_by:dd_sls_plugin`). */
export const CREATED_BY_TAG = "created_by:dd_sls_macro";

/** What `$scope` in a query becomes: this stack's monitors see this stack's functions only. */
export const STACK_SCOPE = "aws_cloudformation_stack-id:${AWS::StackId}";
export const SCOPE_PLACEHOLDER = "$scope";
