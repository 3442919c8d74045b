/**
 * The parameter table: every transform parameter, declared once. Loading, coercion,
 * unknown-name detection, README's parameter table and tests are all driven by it.
 */

import type { JsonObject } from "../intrinsics";

export type ParameterType = "boolean" | "string" | "integer" | "stringList" | "monitorList";

/**
 * One entry of `monitors`, the plugin's shape: `{ <id>: { name?, message?, tags?, options?, query?, type? } }`
 * read as its id and its settings (empty when the entry gives none: `- high_error_rate:`).
 */
export interface MonitorDeclaration {
  id: string;
  settings: JsonObject;
}
/** Checked forms of string values (see FORMATS in validate.ts). */
export type Format = "arn" | "accountId" | "mlApp" | "gitData" | "logRetention" | "appSecMode" | "handler";

export interface ParameterSpec {
  type: ParameterType;
  default?: boolean | string | number | readonly string[];
  /** Environment variable of the macro function that supplies a region-wide default. */
  env?: string;
  /** Environment variable each instrumented function gets, holding the value as a string. */
  sets?: string;
  /** Other accepted spellings: the names Datadog's Serverless Framework plugin and CDK constructs give the same option. */
  aliases?: readonly string[];
  /** Never logged, echoed in messages, or shown by CloudFormation (NoEcho in the macro stack). */
  secret?: boolean;
  /** The form a value must have. */
  format?: Format;
  /**
   * The value only flows into the template (environment variables, tags, IAM resources), so it may stay
   * an intrinsic function the macro cannot resolve (an SSM-typed parameter, an import): CloudFormation
   * resolves it at deploy time.
   */
  deferrable?: boolean;
  doc: string;
}

export const PARAMETERS = {
  addLayers: { type: "boolean", default: true, env: "DD_ADD_LAYERS", doc: "Add the Datadog library layer for each function's runtime." },
  // No default: as in the reference macro, setting `extensionLayerVersion` alone turns the extension on.
  enabled: { type: "boolean", default: true, env: "DD_ENABLED", doc: "`false` returns the template unchanged (for instance `enabled: !Ref InstrumentThisStage`)." },
  addExtension: { type: "boolean", env: "DD_ADD_EXTENSION", doc: "Add the Datadog Lambda Extension layer (needs an API key). Unset: on when `extensionLayerVersion` or `extensionLayerArn` is set." },
  pythonLayerVersion: { type: "integer", env: "DD_PYTHON_LAYER_VERSION", doc: "Version of the `Datadog-Python<version>` layer. Unset: this release's default (see \"Layer versions\"); required for a Python runtime newer than the macro." },
  nodeLayerVersion: { type: "integer", env: "DD_NODE_LAYER_VERSION", doc: "Version of the `Datadog-Node<version>-x` layer. Unset: this release's default." },
  dotnetLayerVersion: { type: "integer", env: "DD_DOTNET_LAYER_VERSION", doc: "Version of the `dd-trace-dotnet` layer. Unset: this release's default." },
  javaLayerVersion: { type: "integer", env: "DD_JAVA_LAYER_VERSION", doc: "Version of the `dd-trace-java` layer. Unset: this release's default." },
  rubyLayerVersion: { type: "integer", env: "DD_RUBY_LAYER_VERSION", doc: "Version of the `Datadog-Ruby<version>` layer. Unset: this release's default." },
  extensionLayerVersion: { type: "integer", env: "DD_EXTENSION_LAYER_VERSION", doc: "Version of the `Datadog-Extension` layer; setting it alone turns the extension on. Unset with `addExtension`: this release's default." },
  pythonLayerArn: { type: "string", format: "arn", env: "DD_PYTHON_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's Python layer (a mirror, a private copy, a partition without Datadog's)." },
  nodeLayerArn: { type: "string", format: "arn", env: "DD_NODE_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's Node.js layer." },
  javaLayerArn: { type: "string", format: "arn", env: "DD_JAVA_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's Java layer." },
  dotnetLayerArn: { type: "string", format: "arn", env: "DD_DOTNET_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's .NET layer." },
  rubyLayerArn: { type: "string", format: "arn", env: "DD_RUBY_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's Ruby layer." },
  extensionLayerArn: { type: "string", format: "arn", env: "DD_EXTENSION_LAYER_ARN", doc: "Layer version ARN to use instead of Datadog's extension layer." },
  apiKey: { type: "string", sets: "DD_API_KEY", deferrable: true, env: "DD_API_KEY", secret: true, doc: "Datadog API key in clear text (prefer `apiKeySecretArn`)." },
  apiKeySecretArn: { type: "string", sets: "DD_API_KEY_SECRET_ARN", format: "arn", secret: true, deferrable: true, env: "DD_API_KEY_SECRET_ARN", doc: "ARN of a Secrets Manager secret holding the API key." },
  apiKeySsmArn: { type: "string", sets: "DD_API_KEY_SSM_ARN", format: "arn", secret: true, deferrable: true, env: "DD_API_KEY_SSM_ARN", doc: "ARN of an SSM parameter holding the API key (extension only)." },
  apiKMSKey: { type: "string", sets: "DD_KMS_API_KEY", aliases: ["apiKmsKey"], deferrable: true, env: "DD_KMS_API_KEY", secret: true, doc: "API key encrypted with KMS." },
  site: { type: "string", sets: "DD_SITE", default: "datadoghq.com", env: "DD_SITE", doc: "Datadog site to send data to." },
  logLevel: { type: "string", sets: "DD_LOG_LEVEL", env: "DD_LOG_LEVEL", doc: "Log level of the Datadog library and extension." },
  flushMetricsToLogs: { type: "boolean", sets: "DD_FLUSH_TO_LOG", default: true, env: "DD_FLUSH_TO_LOG", doc: "Send custom metrics through CloudWatch logs (the Forwarder); always `\"false\"` with the extension." },
  enableEnhancedMetrics: { type: "boolean", sets: "DD_ENHANCED_METRICS", default: true, env: "DD_ENHANCED_METRICS", doc: "Enhanced Lambda metrics." },
  enableXrayTracing: {
    type: "boolean",
    default: false,
    env: "DD_ENABLE_XRAY_TRACING",
    doc: "Turn on AWS X-Ray active tracing, with the X-Ray permissions, on functions and state machines, and X-Ray tracing on API Gateway REST stages (SAM `Api` and `Globals.Api` too) and AppSync GraphQL APIs (`XrayEnabled`); a value the user set is kept.",
  },
  enableMergeXrayTraces: { type: "boolean", env: "DD_ENABLE_MERGE_XRAY_TRACES", doc: "Merge X-Ray and Datadog traces (`DD_MERGE_XRAY_TRACES`, Ruby: `DD_MERGE_DATADOG_XRAY_TRACES`). Unset: the value of `enableXrayTracing`." },
  enableDDTracing: { type: "boolean", sets: "DD_TRACE_ENABLED", aliases: ["enableDatadogTracing"], default: true, env: "DD_TRACE_ENABLED", doc: "Datadog APM tracing; with it, `DD_MERGE_XRAY_TRACES` (Ruby: `DD_MERGE_DATADOG_XRAY_TRACES`) is set from `enableMergeXrayTraces`." },
  enableDDLogs: { type: "boolean", sets: "DD_SERVERLESS_LOGS_ENABLED", aliases: ["enableDatadogLogs"], default: true, env: "DD_SERVERLESS_LOGS_ENABLED", doc: "Log collection by the extension." },
  captureCloudServicePayload: { type: "boolean", env: "DD_CAPTURE_CLOUD_SERVICE_PAYLOAD", doc: "Tag spans of AWS SDK calls with their request and response payloads (`DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING` and `..._RESPONSE_...` set to `all`)." },
  injectLogContext: { type: "boolean", env: "DD_INJECT_LOG_CONTEXT", doc: "Inject trace ids into log lines (`DD_LOGS_INJECTION`); always `\"false\"` with the extension, which correlates logs itself." },
  captureLambdaPayload: { type: "boolean", sets: "DD_CAPTURE_LAMBDA_PAYLOAD", default: false, env: "DD_CAPTURE_LAMBDA_PAYLOAD", doc: "Capture request and response payloads on the function span." },
  service: { type: "string", sets: "DD_SERVICE", deferrable: true, env: "DD_SERVICE", doc: "Unified service tag." },
  env: { type: "string", sets: "DD_ENV", deferrable: true, env: "DD_ENV", doc: "Unified environment tag." },
  version: { type: "string", sets: "DD_VERSION", deferrable: true, env: "DD_VERSION", doc: "Unified version tag." },
  tags: { type: "stringList", sets: "DD_TAGS", env: "DD_TAGS", doc: "Extra tags, `key:value` pairs (list or comma-separated); with `gitData`, its tags are added." },
  gitData: { type: "string", format: "gitData", secret: true, env: "DD_GIT_DATA", doc: "`<commit sha>,<repository url>`: adds `git.commit.sha` and `git.repository_url` to `DD_TAGS` (credentials are stripped from the URL)." },
  exclude: { type: "stringList", default: [], doc: "Logical ids of functions, state machines, API stages and AppSync APIs to leave alone (list or comma-separated)." },
  enableColdStartTracing: { type: "boolean", sets: "DD_COLD_START_TRACING", env: "DD_COLD_START_TRACING", doc: "Cold start tracing." },
  minColdStartTraceDuration: { type: "integer", sets: "DD_MIN_COLD_START_DURATION", env: "DD_MIN_COLD_START_DURATION", aliases: ["coldStartTraceMinDuration"], doc: "Minimum duration (ms) of a module load to appear in cold start traces." },
  coldStartTraceSkipLibs: { type: "stringList", sets: "DD_COLD_START_TRACE_SKIP_LIB", env: "DD_COLD_START_TRACE_SKIP_LIB", doc: "Libraries left out of cold start traces (list or comma-separated)." },
  enableProfiling: { type: "boolean", sets: "DD_PROFILING_ENABLED", env: "DD_PROFILING_ENABLED", doc: "Datadog continuous profiler." },
  encodeAuthorizerContext: { type: "boolean", sets: "DD_ENCODE_AUTHORIZER_CONTEXT", env: "DD_ENCODE_AUTHORIZER_CONTEXT", doc: "Propagate trace context through Lambda authorizers." },
  decodeAuthorizerContext: { type: "boolean", sets: "DD_DECODE_AUTHORIZER_CONTEXT", env: "DD_DECODE_AUTHORIZER_CONTEXT", doc: "Read trace context set by a Lambda authorizer." },
  apmFlushDeadline: { type: "integer", sets: "DD_APM_FLUSH_DEADLINE_MILLISECONDS", env: "DD_APM_FLUSH_DEADLINE_MILLISECONDS", doc: "Milliseconds before the timeout at which spans are flushed." },
  llmObsEnabled: { type: "boolean", sets: "DD_LLMOBS_ENABLED", env: "DD_LLMOBS_ENABLED", doc: "LLM Observability (needs `llmObsMlApp`)." },
  llmObsMlApp: { type: "string", sets: "DD_LLMOBS_ML_APP", format: "mlApp", env: "DD_LLMOBS_ML_APP", doc: "LLM Observability application name: 1-193 letters, digits, `_ - . : /`." },
  llmObsAgentlessEnabled: { type: "boolean", sets: "DD_LLMOBS_AGENTLESS_ENABLED", env: "DD_LLMOBS_AGENTLESS_ENABLED", doc: "Send LLM Observability data without the agent." },
  lambdaFips: { type: "boolean", sets: "DD_LAMBDA_FIPS_MODE", aliases: ["isFIPSEnabled"], env: "DD_LAMBDA_FIPS_MODE", doc: "FIPS mode: the `-FIPS` extension layer and `DD_LAMBDA_FIPS_MODE`. Unset: on with the extension in GovCloud (`us-gov-*`) regions whatever the site, off elsewhere (end-to-end compliance also needs a government site, see W102)." },
  appsecEnabled: {
    type: "boolean",
    default: false,
    env: "DD_APPSEC_ENABLED",
    doc: "App and API Protection (AppSec): the same as `appSecMode: on`.",
  },
  enableASM: {
    type: "boolean",
    aliases: ["enableDatadogASM"],
    doc: "As in Datadog's plugin (`enableASM`) and CDK constructs (`enableDatadogASM`): AppSec through the extension, the same as `appSecMode: extension`. Not together with `appSecMode` or `appsecEnabled`.",
  },
  appSecMode: {
    type: "string",
    format: "appSecMode",
    aliases: ["datadogAppSecMode"],
    env: "DD_APPSEC_MODE",
    doc: "AppSec mode, as in Datadog's plugin: `off`; `extension` (`AWS_LAMBDA_EXEC_WRAPPER=/opt/datadog_wrapper` and `DD_SERVERLESS_APPSEC_ENABLED`, needs the extension); `tracer` (Python only, library layer 114 or newer: `DD_APPSEC_ENABLED`); `on` (tracer for Python when it can, the extension otherwise).",
  },
  redirectHandler: { type: "boolean", default: true, env: "DD_REDIRECT_HANDLER", aliases: ["redirectHandlers"], doc: "Point Python and Node.js handlers at the Datadog wrapper (original kept in `DD_LAMBDA_HANDLER`)." },
  customHandler: {
    type: "string",
    format: "handler",
    doc: "The handler Python and Node.js handlers are pointed at instead of Datadog's wrapper (a wrapper of your own that calls Datadog's); the original is still kept in `DD_LAMBDA_HANDLER`, and `ImageConfig.Command` of images is redirected alike. Needs `redirectHandler`.",
  },
  useLayersFromAccount: { type: "string", format: "accountId", env: "DD_USE_LAYERS_FROM_ACCOUNT", doc: "AWS account to take the Datadog layers from (a mirror of Datadog's layers)." },
  instrumentContainerImages: { type: "boolean", default: true, env: "DD_INSTRUMENT_CONTAINER_IMAGES", doc: "Instrument `PackageType: Image` functions too: environment, tags, log subscription, and `ImageConfig.Command` when `Metadata.DatadogRuntime` names the runtime (the image itself must hold the library and the extension). `false` skips them." },
  grantSecretAccess: { type: "boolean", default: true, env: "DD_GRANT_SECRET_ACCESS", aliases: ["grantSecretReadAccess"], doc: "Give each function's role read access to `apiKeySecretArn` / `apiKeySsmArn`." },
  forwarderArn: {
    type: "string",
    format: "arn",
    aliases: ["forwarder"],
    env: "DD_FORWARDER_ARN",
    doc: "ARN of the Datadog Forwarder to subscribe log groups to: the functions' (not with the extension, which sends them itself), API Gateway access and execution logs, AppSync API logs, and `forwardLogGroups`.",
  },
  subscribeToAccessLogs: {
    type: "boolean",
    default: true,
    env: "DD_SUBSCRIBE_TO_ACCESS_LOGS",
    doc: "With `forwarderArn`, subscribe the access log groups of API Gateway stages (REST, HTTP and WebSocket; SAM `Api`/`HttpApi` and their `Globals`) when they are CloudWatch Logs groups of this account and region.",
  },
  subscribeToExecutionLogs: {
    type: "boolean",
    default: false,
    env: "DD_SUBSCRIBE_TO_EXECUTION_LOGS",
    doc: "With `forwarderArn`, subscribe the execution log groups API Gateway writes for REST stages (`API-Gateway-Execution-Logs_<api id>/<stage>`, when a method setting logs at `INFO` or `ERROR`) and WebSocket stages (`/aws/apigateway/<api id>/<stage>`); a group that does not exist yet is declared, with `Retain`.",
  },
  subscribeToAppSyncLogs: {
    type: "boolean",
    default: true,
    env: "DD_SUBSCRIBE_TO_APPSYNC_LOGS",
    doc: "With `forwarderArn`, subscribe the log group AppSync writes for each GraphQL API that logs (`LogConfig`; SAM `GraphQLApi` unless `Logging: false`), `/aws/appsync/apis/<api id>`; a group that does not exist yet is declared, with `Retain`.",
  },
  forwardLogGroups: {
    type: "stringList",
    default: [],
    doc: "With `forwarderArn`, more log groups to subscribe: names, or logical ids of `AWS::Logs::LogGroup`s of the template (list or comma-separated). A named group that does not exist yet is declared, with `Retain`.",
  },
  stackName: { type: "string", doc: "The stack's name (`!Ref AWS::StackName`); needed with `forwarderArn` for functions without `FunctionName`." },
  logRetentionInDays: { type: "integer", format: "logRetention", env: "DD_LOG_RETENTION_IN_DAYS", doc: "Retention of the log groups the macro creates for the forwarder (default 30 days for functions, 7 for state machines; 0 keeps logs forever)." },
  stepFunctionForwarderArn: {
    type: "string",
    format: "arn",
    env: "DD_STEP_FUNCTION_FORWARDER_ARN",
    doc: "ARN of the Datadog Forwarder for Step Functions state machine logs: each instrumented state machine logs at `ALL` with execution data to a group subscribed to it, and is tagged `DD_TRACE_ENABLED: true` (Datadog builds its traces from those logs). Unset: `forwarderArn` when `enableStepFunctionsTracing` is true.",
  },
  enableStepFunctionsTracing: {
    type: "boolean",
    default: false,
    aliases: ["subscribeToStepFunctionLogs"],
    doc: "As in Datadog's plugin: send the state machines' logs to `forwarderArn` and trace them, that is `stepFunctionForwarderArn` set to `forwarderArn` (a `stepFunctionForwarderArn` of its own wins). Trace merging stays `mergeStepFunctionAndLambdaTraces` and `propagateUpstreamTrace`; X-Ray stays `enableXrayTracing`.",
  },
  mergeStepFunctionAndLambdaTraces: {
    type: "boolean",
    default: true,
    env: "DD_MERGE_STEP_FUNCTION_AND_LAMBDA_TRACES",
    doc: "Add the execution context to the payload of each Lambda step of instrumented state machines, so Lambda traces join the state machine's. `false` leaves definitions as they are.",
  },
  monitors: {
    type: "monitorList",
    doc: "Datadog monitors owned by the stack, in the Serverless plugin's shape: a list of `{ <id>: { name, message, tags, options, query, type, priority } }` (all optional but `query` for a custom id); each becomes a `Datadog::Monitors::Monitor` resource (see \"Monitors\"). A JSON string of that list works too (CDK mappings).",
  },
  // The keys of the monitors' API calls in Datadog's plugin: here they belong to the resource type's configuration (W501).
  // Deferrable: a `Ref` to a NoEcho parameter is ignored like a literal, not an error.
  appKey: { type: "string", secret: true, deferrable: true, doc: "Not used: the `Datadog::Monitors::Monitor` type reads the application key from its type configuration (see \"Monitors\"); a warning says so." },
  monitorsApiKey: { type: "string", secret: true, deferrable: true, doc: "Not used: the `Datadog::Monitors::Monitor` type reads the API key from its type configuration (see \"Monitors\"); a warning says so." },
  monitorsAppKey: { type: "string", secret: true, deferrable: true, doc: "Not used: the `Datadog::Monitors::Monitor` type reads the application key from its type configuration (see \"Monitors\"); a warning says so." },
  propagateUpstreamTrace: {
    type: "boolean",
    aliases: ["propagateTraceContext"],
    env: "DD_PROPAGATE_UPSTREAM_TRACE",
    doc: "Add the execution context to the input of each nested execution (`states:startExecution`) of instrumented state machines, so the child's trace joins its parent's. Unset: the value of `mergeStepFunctionAndLambdaTraces`.",
  },
} as const satisfies Record<string, ParameterSpec>;

export type ParameterName = keyof typeof PARAMETERS;

/** A parameter value the macro cannot resolve, kept as the intrinsic function CloudFormation resolves at deploy time. */
export type DeferredValue = JsonObject;

type ValueOf<S> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "integer" }
    ? number
    : S extends { type: "stringList" }
      ? string[]
      : S extends { type: "monitorList" }
        ? MonitorDeclaration[]
        : S extends { deferrable: true }
          ? string | DeferredValue
          : string;

/** The loaded configuration: parameters with a default are always present. */
export type Config = {
  [K in ParameterName]: (typeof PARAMETERS)[K] extends { default: unknown } ? ValueOf<(typeof PARAMETERS)[K]> : ValueOf<(typeof PARAMETERS)[K]> | undefined;
};

/** The value when it is a literal string (not deferred to deploy time). */
export function literal(value: string | DeferredValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

/** Maps every accepted spelling (name or alias) to its parameter. */
export const SPELLINGS: ReadonlyMap<string, ParameterName> = new Map(
  PARAMETER_NAMES.flatMap((name) => {
    const spec: ParameterSpec = PARAMETERS[name];
    return [name, ...(spec.aliases ?? [])].map((spelling) => [spelling, name] as [string, ParameterName]);
  }),
);
