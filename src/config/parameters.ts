/**
 * The parameter table: every transform parameter, declared once. Loading, coercion,
 * unknown-name detection, README's parameter table and tests are all driven by it.
 */

export type ParameterType = "boolean" | "string" | "integer" | "stringList";

export interface ParameterSpec {
  type: ParameterType;
  default?: boolean | string | number | readonly string[];
  /** Environment variable of the macro function that supplies a region-wide default. */
  env?: string;
  /** Other accepted spellings. */
  aliases?: readonly string[];
  /** Never logged or echoed back in error messages. */
  secret?: boolean;
  doc: string;
}

export const PARAMETERS = {
  addLayers: { type: "boolean", default: true, env: "DD_ADD_LAYERS", doc: "Add the Datadog library layer for each function's runtime." },
  // No default: as in the reference macro, setting `extensionLayerVersion` alone turns the extension on.
  addExtension: { type: "boolean", env: "DD_ADD_EXTENSION", doc: "Add the Datadog Lambda Extension layer (needs `extensionLayerVersion` and an API key). Unset: on when `extensionLayerVersion` is set." },
  pythonLayerVersion: { type: "integer", env: "DD_PYTHON_LAYER_VERSION", doc: "Version of the `Datadog-Python<version>` layer; required when the template has Python functions and `addLayers` is true." },
  nodeLayerVersion: { type: "integer", env: "DD_NODE_LAYER_VERSION", doc: "Version of the `Datadog-Node<version>-x` layer; required for Node.js functions when `addLayers` is true." },
  dotnetLayerVersion: { type: "integer", env: "DD_DOTNET_LAYER_VERSION", doc: "Version of the `dd-trace-dotnet` layer; required for .NET functions when `addLayers` is true." },
  javaLayerVersion: { type: "integer", env: "DD_JAVA_LAYER_VERSION", doc: "Version of the `dd-trace-java` layer; required for Java functions when `addLayers` is true." },
  rubyLayerVersion: { type: "integer", env: "DD_RUBY_LAYER_VERSION", doc: "Version of the `Datadog-Ruby<version>` layer; required for Ruby functions when `addLayers` is true." },
  extensionLayerVersion: { type: "integer", env: "DD_EXTENSION_LAYER_VERSION", doc: "Version of the `Datadog-Extension` layer; required with `addExtension`." },
  apiKey: { type: "string", env: "DD_API_KEY", secret: true, doc: "Datadog API key in clear text (prefer `apiKeySecretArn`). Sets `DD_API_KEY`." },
  apiKeySecretArn: { type: "string", env: "DD_API_KEY_SECRET_ARN", doc: "ARN of a Secrets Manager secret holding the API key. Sets `DD_API_KEY_SECRET_ARN`." },
  apiKeySsmArn: { type: "string", env: "DD_API_KEY_SSM_ARN", doc: "ARN of an SSM parameter holding the API key (extension only). Sets `DD_API_KEY_SSM_ARN`." },
  apiKMSKey: { type: "string", env: "DD_KMS_API_KEY", secret: true, doc: "API key encrypted with KMS. Sets `DD_KMS_API_KEY`." },
  site: { type: "string", default: "datadoghq.com", env: "DD_SITE", doc: "Datadog site to send data to. Sets `DD_SITE`." },
  logLevel: { type: "string", env: "DD_LOG_LEVEL", doc: "Log level of the Datadog library and extension. Sets `DD_LOG_LEVEL`." },
  flushMetricsToLogs: { type: "boolean", default: true, env: "DD_FLUSH_TO_LOG", doc: "Send custom metrics through CloudWatch logs (the Forwarder). Sets `DD_FLUSH_TO_LOG`; always `\"false\"` with the extension." },
  enableEnhancedMetrics: { type: "boolean", default: true, env: "DD_ENHANCED_METRICS", doc: "Enhanced Lambda metrics. Sets `DD_ENHANCED_METRICS`." },
  enableXrayTracing: { type: "boolean", default: false, env: "DD_ENABLE_XRAY_TRACING", doc: "Turn on AWS X-Ray active tracing and grant the role the X-Ray permissions." },
  enableDDTracing: { type: "boolean", default: true, env: "DD_TRACE_ENABLED", doc: "Datadog APM tracing. Sets `DD_TRACE_ENABLED` and `DD_MERGE_XRAY_TRACES`." },
  enableDDLogs: { type: "boolean", default: true, env: "DD_SERVERLESS_LOGS_ENABLED", doc: "Log collection by the extension. Sets `DD_SERVERLESS_LOGS_ENABLED`." },
  captureLambdaPayload: { type: "boolean", default: false, env: "DD_CAPTURE_LAMBDA_PAYLOAD", doc: "Capture request and response payloads on the function span. Sets `DD_CAPTURE_LAMBDA_PAYLOAD`." },
  service: { type: "string", env: "DD_SERVICE", doc: "Unified service tag. Sets `DD_SERVICE`." },
  env: { type: "string", env: "DD_ENV", doc: "Unified environment tag. Sets `DD_ENV`." },
  version: { type: "string", env: "DD_VERSION", doc: "Unified version tag. Sets `DD_VERSION`." },
  tags: { type: "stringList", env: "DD_TAGS", doc: "Extra tags, `key:value` pairs (list or comma-separated). Sets `DD_TAGS`." },
  gitData: { type: "string", env: "DD_GIT_DATA", doc: "`<commit sha>,<repository url>`: adds `git.commit.sha` and `git.repository_url` to `DD_TAGS` (credentials are stripped from the URL)." },
  exclude: { type: "stringList", default: [], doc: "Logical ids of functions to leave alone (list or comma-separated)." },
  enableColdStartTracing: { type: "boolean", env: "DD_COLD_START_TRACING", doc: "Cold start tracing. Sets `DD_COLD_START_TRACING`." },
  minColdStartTraceDuration: { type: "integer", env: "DD_MIN_COLD_START_DURATION", aliases: ["coldStartTraceMinDuration"], doc: "Minimum duration (ms) of a module load to appear in cold start traces. Sets `DD_MIN_COLD_START_DURATION`." },
  coldStartTraceSkipLibs: { type: "stringList", env: "DD_COLD_START_TRACE_SKIP_LIB", doc: "Libraries left out of cold start traces (list or comma-separated). Sets `DD_COLD_START_TRACE_SKIP_LIB`." },
  enableProfiling: { type: "boolean", env: "DD_PROFILING_ENABLED", doc: "Datadog continuous profiler. Sets `DD_PROFILING_ENABLED`." },
  encodeAuthorizerContext: { type: "boolean", env: "DD_ENCODE_AUTHORIZER_CONTEXT", doc: "Propagate trace context through Lambda authorizers. Sets `DD_ENCODE_AUTHORIZER_CONTEXT`." },
  decodeAuthorizerContext: { type: "boolean", env: "DD_DECODE_AUTHORIZER_CONTEXT", doc: "Read trace context set by a Lambda authorizer. Sets `DD_DECODE_AUTHORIZER_CONTEXT`." },
  apmFlushDeadline: { type: "integer", env: "DD_APM_FLUSH_DEADLINE_MILLISECONDS", doc: "Milliseconds before the timeout at which spans are flushed. Sets `DD_APM_FLUSH_DEADLINE_MILLISECONDS`." },
  llmObsEnabled: { type: "boolean", env: "DD_LLMOBS_ENABLED", doc: "LLM Observability (needs `llmObsMlApp`). Sets `DD_LLMOBS_ENABLED`." },
  llmObsMlApp: { type: "string", env: "DD_LLMOBS_ML_APP", doc: "LLM Observability application name: 1-193 letters, digits, `_ - . : /`. Sets `DD_LLMOBS_ML_APP`." },
  llmObsAgentlessEnabled: { type: "boolean", env: "DD_LLMOBS_AGENTLESS_ENABLED", doc: "Send LLM Observability data without the agent. Sets `DD_LLMOBS_AGENTLESS_ENABLED`." },
  lambdaFips: { type: "boolean", env: "DD_LAMBDA_FIPS_MODE", doc: "FIPS mode: the `-FIPS` extension layer and `DD_LAMBDA_FIPS_MODE`." },
  appsecEnabled: { type: "boolean", default: false, env: "DD_APPSEC_ENABLED", doc: "Application Security Management (needs the extension). Sets `DD_APPSEC_ENABLED`." },
  redirectHandler: { type: "boolean", default: true, env: "DD_REDIRECT_HANDLER", doc: "Point Python and Node.js handlers at the Datadog wrapper (original kept in `DD_LAMBDA_HANDLER`)." },
  useLayersFromAccount: { type: "string", env: "DD_USE_LAYERS_FROM_ACCOUNT", doc: "AWS account to take the Datadog layers from (a mirror of Datadog's layers)." },
  instrumentContainerImages: { type: "boolean", default: false, env: "DD_INSTRUMENT_CONTAINER_IMAGES", doc: "Also add environment and tags to `PackageType: Image` functions (and redirect `ImageConfig.Command`)." },
  grantSecretAccess: { type: "boolean", default: true, env: "DD_GRANT_SECRET_ACCESS", doc: "Give each function's role read access to `apiKeySecretArn` / `apiKeySsmArn`." },
  forwarderArn: { type: "string", env: "DD_FORWARDER_ARN", doc: "ARN of the Datadog Forwarder to subscribe function log groups to (not with the extension)." },
  stackName: { type: "string", doc: "The stack's name (`!Ref AWS::StackName`); needed with `forwarderArn` for functions without `FunctionName`." },
  logRetentionInDays: { type: "integer", env: "DD_LOG_RETENTION_IN_DAYS", doc: "Retention of the log groups the macro creates for the forwarder (default 30 days for functions, 7 for state machines; 0 keeps logs forever)." },
  stepFunctionForwarderArn: { type: "string", env: "DD_STEP_FUNCTION_FORWARDER_ARN", doc: "ARN of the Datadog Forwarder for Step Functions state machine logs." },
} as const satisfies Record<string, ParameterSpec>;

export type ParameterName = keyof typeof PARAMETERS;

type ValueOf<T extends ParameterType> = T extends "boolean"
  ? boolean
  : T extends "integer"
    ? number
    : T extends "stringList"
      ? string[]
      : string;

/** The loaded configuration: parameters with a default are always present. */
export type Config = {
  [K in ParameterName]: (typeof PARAMETERS)[K] extends { default: unknown }
    ? ValueOf<(typeof PARAMETERS)[K]["type"]>
    : ValueOf<(typeof PARAMETERS)[K]["type"]> | undefined;
};

export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

/** Maps every accepted spelling (name or alias) to its parameter. */
export const SPELLINGS: ReadonlyMap<string, ParameterName> = new Map(
  PARAMETER_NAMES.flatMap((name) => {
    const spec: ParameterSpec = PARAMETERS[name];
    return [name, ...(spec.aliases ?? [])].map((spelling) => [spelling, name] as [string, ParameterName]);
  }),
);
