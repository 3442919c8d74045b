/**
 * Every error and warning the macro reports. README's troubleshooting section is generated from this
 * table (`npm run generate`), and a test makes every rule fire.
 * Ids: E1xx/W1xx the request and parameters, E2xx/W2xx functions, E3xx/W3xx log forwarding,
 * W4xx state machines, E9xx the macro itself.
 */
import { about, error, names, note, warning, type About } from "./rule";

const plural = (list: readonly string[], one: string, many: string) => (list.length === 1 ? one : many);

// The request and the template as a whole.
export const NO_FRAGMENT = error<{}>({
  id: "E101",
  summary: "The request has no template fragment.",
  fix: "Use the macro through a template's `Transform`; CloudFormation sends the fragment with every call.",
  message: () => "The request has no template fragment (an object with Resources)",
});
export const NO_REGION = error<{}>({
  id: "E102",
  summary: "The request has no region.",
  fix: "Use the macro through a template's `Transform`; CloudFormation sends the region with every call.",
  message: () => "The request has no region",
});
export const RESOURCES_NOT_MAP = error<{}>({
  id: "E103",
  summary: "The template's `Resources` is not a map.",
  fix: "Make `Resources` a map of logical ids to resources.",
  message: () => "The template's Resources is not a map of logical ids to resources",
});
export const TOO_MANY_RESOURCES = error<{ before: number; after: number; limit: number }>({
  id: "E104",
  summary: "The resources the macro adds would take the template past CloudFormation's resource limit.",
  fix: "Split the stack (nested stacks), or leave some functions out with `exclude`, or turn off what adds resources (`forwarderArn` subscriptions, `stepFunctionForwarderArn`).",
  message: (a) => `The template has ${a.before} resources and would have ${a.after} with the macro's additions, but CloudFormation allows ${a.limit}`,
});

// Parameters.
export const UNKNOWN_PARAMETER = error<{ name: string; guess?: string }>({
  id: "E110",
  summary: "A parameter name is not one of the macro's.",
  fix: "Correct the spelling in the Transform `Parameters` or the `Datadog` mapping; README.md, \"Parameters\", lists them all.",
  message: (a) => `\`${a.name}\` is not a parameter of the DatadogServerless macro${a.guess ? `; did you mean \`${a.guess}\`?` : ""}`,
});
export const DUPLICATE_SPELLING = error<{ first: string; second: string; name: string; source: string }>({
  id: "E111",
  summary: "One parameter is given under two of its names.",
  fix: "Keep one spelling (`coldStartTraceMinDuration` is another name of `minColdStartTraceDuration`).",
  message: (a) => `\`${a.first}\` and \`${a.second}\` are the same parameter (${a.source}); keep only \`${a.name}\``,
});
export const SOURCE_NOT_MAP = error<{ source: string }>({
  id: "E112",
  summary: "The macro's parameters are not a map.",
  fix: "Give the parameters as a map of names to values.",
  message: (a) => `The macro's parameters (${a.source}) must be a map of parameter names to values`,
});
export const MAPPING_NOT_MAP = error<{}>({
  id: "E113",
  summary: "`Mappings.Datadog.Parameters` is not a map.",
  fix: "CDK: `new CfnMapping(stack, \"Datadog\", {mapping: {Parameters: {...}}})`.",
  message: () => "Mappings.Datadog.Parameters must be a map of parameter names to values",
});
export const PARAMETER_UNRESOLVABLE = error<{ name: string; source: string }>({
  id: "E114",
  summary: "A parameter the macro must know at transform time is an intrinsic function it cannot resolve.",
  fix: "Use a literal value, or a `Ref` to a template parameter (not an SSM-typed one); `Fn::Sub`, `Fn::Join`, `Fn::FindInMap`, `Fn::Select`, `Fn::Split` and `Fn::If` work when their parts resolve.",
  message: (a) => `Parameter \`${a.name}\` (${a.source}) is an intrinsic function the macro cannot resolve at transform time`,
});
export const PARAMETER_FROM_SSM = error<{ name: string; source: string; parameter: string }>({
  id: "E115",
  summary: "A parameter the macro must know at transform time refers to an SSM-typed template parameter.",
  fix: "CloudFormation reads `AWS::SSM::Parameter::Value<...>` parameters only at deploy time, after the macro ran: give the value itself or a `Ref` to a String parameter. (The API key parameters, `service`, `env` and `version` may come from SSM: they are passed through.)",
  message: (a) => `Parameter \`${a.name}\` (${a.source}) is a Ref to \`${a.parameter}\`, an SSM parameter whose value the macro cannot see`,
});
export const PARAMETER_TYPE = error<{ name: string; source: string; shown: string; expected: string }>({
  id: "E116",
  summary: "A parameter has a value of the wrong type.",
  fix: "Give a value of the expected type: `true`/`false`, a whole number, a string, or a list (or comma-separated string).",
  message: (a) => `Parameter \`${a.name}\` (${a.source}) is ${a.shown}; expected ${a.expected}`,
});
export const ONE_API_KEY = error<{ keys: string[] }>({
  id: "E120",
  summary: "More than one API key parameter is set.",
  fix: "Keep one of `apiKey`, `apiKeySecretArn`, `apiKeySsmArn`, `apiKMSKey` (`apiKeySecretArn` is the safest).",
  message: (a) => `Only one API key parameter may be set, but ${names(a.keys)} are`,
});
export const UNKNOWN_SITE = error<{ site: string; sites: readonly string[] }>({
  id: "E121",
  summary: "`site` is not a Datadog site.",
  fix: "Use one of the sites the message lists.",
  message: (a) => `Parameter \`site\` is "${a.site}", which is not a Datadog site; the sites are ${a.sites.join(", ")}`,
});
export const EXTENSION_NEEDS_KEY = error<{}>({
  id: "E123",
  summary: "The Datadog Extension is added without an API key.",
  fix: "Set one of `apiKeySecretArn`, `apiKeySsmArn`, `apiKMSKey` or `apiKey`.",
  message: () => "The Datadog Extension needs an API key",
});
export const LLMOBS_NEEDS_APP = error<{}>({
  id: "E125",
  summary: "`llmObsEnabled` is true but `llmObsMlApp` is not set.",
  fix: "Set `llmObsMlApp` to the name of your LLM application.",
  message: () => "`llmObsEnabled` is true but `llmObsMlApp` is not set",
});
export const FORMAT = error<{ name: string; expected: string; secret: boolean }>({
  id: "E126",
  summary: "A parameter's value does not have the form it must have.",
  fix: "Give a value of the form the message names (see README.md, \"Parameters\").",
  message: (a) => `Parameter \`${a.name}\` must be ${a.expected}; the value given is not${a.secret ? " (it is not repeated here: it may be a secret)" : ""}`,
});
export const APPSEC_NEEDS_EXTENSION = error<{ mode: string }>({
  id: "E127",
  summary: "AppSec in `on` or `extension` mode (or `appsecEnabled`) is set without the Datadog Extension.",
  fix: "Add the extension (`extensionLayerVersion`), use `appSecMode: tracer` (Python), or drop AppSec.",
  message: (a) => `AppSec in \`${a.mode}\` mode needs the Datadog Extension`,
});
export const VALUE_NEEDED = error<{ name: string; use: string }>({
  id: "E128",
  summary: "A parameter given as an intrinsic function is needed as a value by the macro itself.",
  fix: "Give that parameter a literal value, or a `Ref` to a String template parameter.",
  message: (a) => `Parameter \`${a.name}\` is an intrinsic function the macro cannot resolve, but the macro needs its value ${a.use}`,
});

export const FORWARD_LOG_GROUP_INVALID = error<{ entry: string; why: string }>({
  id: "E129",
  summary: "An entry of `forwardLogGroups` is neither a log group name nor the logical id of a log group of the template.",
  fix: "List log group names (letters, digits and `_-/.#`, up to 512 characters) or logical ids of the template's `AWS::Logs::LogGroup` resources.",
  message: (a) => `\`forwardLogGroups\` entry "${a.entry}" ${a.why}`,
});

export const TOO_MANY_FORWARD_LOG_GROUPS = error<{ count: number; limit: number }>({
  id: "E130",
  summary: "`forwardLogGroups` lists more log groups than a stack can hold subscriptions for.",
  fix: "Subscribe the rest from another stack, or with one filter of your own per group.",
  message: (a) => `\`forwardLogGroups\` lists ${a.count} log groups; at most ${a.limit} are accepted`,
});

// Functions.
export const LAYER_VERSION_MISSING = error<{ parameter: string; ids: string[] }>({
  id: "E201",
  summary: "Functions of a runtime family need its `<runtime>LayerVersion`, which is not set.",
  fix: "Add the layer version, set `addLayers: false` and bundle the Datadog library yourself, or list the functions in `exclude`.",
  message: (a) => `${plural(a.ids, "Function", "Functions")} ${a.ids.join(", ")} ${plural(a.ids, "needs", "need")} \`${a.parameter}\`, which is not set`,
});
export const SYNCHRONOUS_METRICS_KEY = error<{ ids: string[] }>({
  id: "E202",
  summary: "Node.js functions cannot read `apiKeySecretArn` when metrics are sent synchronously.",
  fix: "Add the extension, set `flushMetricsToLogs: true`, or use `apiKMSKey`.",
  message: (a) => `Node.js ${plural(a.ids, "function", "functions")} ${a.ids.join(", ")} cannot read \`apiKeySecretArn\` when metrics are sent synchronously`,
});
export const LAYER_LIMIT = error<About & { count: number; layers: string[]; limit: number }>({
  id: "E203",
  summary: "Datadog's layers would take a function past Lambda's limit of 5 layers.",
  fix: "Remove layers the function does not need, list it in `exclude`, or set `addLayers: false` and bundle the Datadog library.",
  message: (a) => `it would have ${a.count} layers with Datadog's (${a.layers.join(", ")}), but Lambda allows ${a.limit}`,
  resource: about,
});

// Forwarding.
export const FORWARDER_NEEDS_STACK_NAME = error<{ ids: string[] }>({
  id: "E301",
  summary: "With `forwarderArn`, functions without `FunctionName` need `stackName` so their log groups can be found.",
  fix: "Add `stackName: !Ref AWS::StackName` to the macro parameters (CDK: `stackName: stack.stackName` in the Datadog mapping), or give each function a `FunctionName`.",
  message: (a) =>
    `With \`forwarderArn\`, the log ${plural(a.ids, "group", "groups")} of ${a.ids.join(", ")} must be found, but ${plural(a.ids, "that function has", "those functions have")} no FunctionName: CloudFormation names ${plural(a.ids, "it", "them")} from the stack name, which the macro does not know`,
});
export const EXECUTION_LOGS_NEED_STACK_NAME = error<{ ids: string[] }>({
  id: "E304",
  summary: "With `subscribeToExecutionLogs`, APIs of the template need `stackName` so their execution log groups can be found.",
  fix: "Add `stackName: !Ref AWS::StackName` to the macro parameters (CDK: `stackName: stack.stackName` in the Datadog mapping), or set `subscribeToExecutionLogs: false`.",
  message: (a) =>
    `With \`subscribeToExecutionLogs\`, the execution log ${plural(a.ids, "group", "groups")} of ${a.ids.join(", ")} must be found, but API Gateway names ${plural(a.ids, "it", "them")} after the API's id, which the macro reads from the stack: \`stackName\` is not set`,
});
export const LOOKUP_DENIED = error<{ operation: string; permission: string }>({
  id: "E302",
  summary: "The macro's role may not read CloudWatch Logs (or, for execution logs, the stack's resources).",
  fix: "Give the macro function's role `logs:DescribeLogGroups`, `logs:DescribeSubscriptionFilters` and `cloudformation:ListStackResources` (`template.yml` does), then deploy again.",
  message: (a) => `The macro's role may not call ${a.operation} (${a.permission})`,
});
export const LOOKUP_FAILED = error<{ operation: string; detail: string }>({
  id: "E303",
  summary: "The macro could not look up log groups.",
  fix: "The macro needs read access to CloudWatch Logs (`logs:DescribeLogGroups`, `logs:DescribeSubscriptionFilters`) and, for execution logs, to the stack (`cloudformation:ListStackResources`); deploy again once they are reachable. The macro's logs have the details.",
  message: (a) => `Could not look up log groups (${a.operation}: ${a.detail})`,
});
export const LOOKUP_OUT_OF_TIME = error<{ operation: string; detail: string; unchecked?: number; total?: number }>({
  id: "E305",
  summary: "The macro ran out of time looking up log groups: the account's CloudWatch Logs rate limits are busy, or the template needs many lookups.",
  fix: "Raise the `Timeout` parameter of the macro's stack (template.yml; up to 900 s) and update it, or give functions a `FunctionName` or set `stackName` so their log groups share a prefix and fewer lookups are needed; then deploy again.",
  message: (a) => {
    const left = a.unchecked === undefined || a.total === undefined ? "before any log group was checked" : `${a.unchecked} of the ${a.total} log ${a.total === 1 ? "group" : "groups"} the template needs ${a.unchecked === 1 ? "was" : "were"} left unchecked`;
    return `Ran out of time looking up log groups (${a.operation}${a.detail ? `, last answer: ${a.detail}` : ""}): ${left}`;
  },
});

// The macro itself.
export const INTERNAL = error<{ detail: string; requestId: string }>({
  id: "E901",
  summary: "A bug of the macro.",
  fix: "Please report it with the macro's logs for that request id; the template was left as it was.",
  message: (a) => `Unexpected internal error (${a.detail}) in request ${a.requestId}`,
});

// Warnings about the request and parameters.
export const SSM_KEY_WITHOUT_EXTENSION = warning<{}>({
  id: "W101",
  summary: "`apiKeySsmArn` is set without the extension, which alone reads it.",
  fix: "Add the extension, or use `apiKeySecretArn` or `apiKMSKey`.",
  message: () => "`apiKeySsmArn` is read only by the Datadog Extension; without it, functions will not find the API key",
});
export const FIPS_SITE = warning<{ site: string; sites: readonly string[] }>({
  id: "W102",
  summary: "`lambdaFips` is set for a site without FIPS endpoints.",
  fix: "Use a FIPS site, or drop `lambdaFips`.",
  message: (a) => `\`lambdaFips\` is true but \`site\` is ${a.site}; FIPS endpoints exist only for ${a.sites.join(", ")}`,
});
export const EXCLUDE_UNKNOWN = warning<{ name: string }>({
  id: "W103",
  summary: "`exclude` names something the template does not instrument.",
  fix: "List logical ids of the template's Lambda functions or state machines.",
  message: (a) => `\`exclude\` names \`${a.name}\`, which is not a Lambda function or state machine of this template`,
});
export const NEEDS_FORWARDER = warning<{ names: string[] }>({
  id: "W105",
  summary: "Parameters that choose log groups to forward are set, but `forwarderArn` is not.",
  fix: "Set `forwarderArn`, or remove those parameters.",
  message: (a) => `${a.names.map((name) => `\`${name}\``).join(" and ")} ${plural(a.names, "has", "have")} no effect without \`forwarderArn\``,
});
export const NO_LAYERS_IN_CHINA = warning<{}>({
  id: "W104",
  summary: "Datadog publishes no layers in the China partition.",
  fix: "Set `useLayersFromAccount` to an account that holds copies of the layers.",
  message: () => "Datadog publishes no layers in the China partition",
});

// Warnings about functions.
export const SKIPPED = warning<About & { reason: string }>({
  id: "W201",
  summary: "A function or state machine was left alone (excluded, CDK's own, a container image, or Properties given as an intrinsic).",
  fix: "Nothing to do if that is intended; otherwise the reason says what to change.",
  message: (a) => `skipped, ${a.reason}`,
  resource: about,
});
export const RUNTIME_UNRESOLVED = warning<About & { problem: string }>({
  id: "W202",
  summary: "Layers and handler were left alone: the runtime or architecture cannot be resolved.",
  fix: "Give `Runtime` and `Architectures` as literals or a `Ref` to a template parameter; environment variables and tags were added.",
  message: (a) => `layers and handler left alone because ${a.problem}`,
  resource: about,
});
export const RUNTIME_NEWER = warning<About & { runtime: string; family: string }>({
  id: "W203",
  summary: "The runtime is newer than this macro's table; it was instrumented from its family's naming pattern.",
  fix: "Check the layer exists for that runtime; update the macro when a release knows the runtime.",
  message: (a) => `runtime ${a.runtime} is newer than this macro's table; instrumented as ${a.family} (layer names derived from the runtime name)`,
  resource: about,
});
export const RUNTIME_DEPRECATED = warning<About & { runtime: string }>({
  id: "W204",
  summary: "The runtime is deprecated; Datadog may no longer publish a layer for it.",
  fix: "Move the function to a supported runtime.",
  message: (a) => `runtime ${a.runtime} is deprecated; Datadog may no longer publish a layer for it`,
  resource: about,
});
export const NO_LAYER_FOR_ARCHITECTURE = warning<About & { architecture: string; runtime: string }>({
  id: "W205",
  summary: "Datadog publishes no library layer for this runtime on this architecture.",
  fix: "Bundle the Datadog library with the function, or use another architecture.",
  message: (a) => `Datadog publishes no ${a.architecture} layer for ${a.runtime}; the library layer was not added`,
  resource: about,
});
export const LAYER_IN_GLOBALS = warning<About & { existing: string; wanted: string }>({
  id: "W206",
  summary: "SAM `Globals.Function.Layers` already holds a Datadog layer, which was kept.",
  fix: "Remove it from Globals to let the macro choose, or keep it on purpose.",
  message: (a) => `Globals.Function.Layers already has ${a.existing}; ${a.wanted} was not added`,
  resource: about,
});
export const LAYERS_NOT_EDITABLE = warning<About & { arns: string[] }>({
  id: "W207",
  summary: "`Layers` is an intrinsic function the macro cannot edit.",
  fix: "Add those layer ARNs yourself and point the handler at the Datadog wrapper, or write `Layers` as a list.",
  message: (a) => `Layers is an intrinsic function the macro cannot edit; it needs ${a.arns.join(", ")} (the handler was left as it is: it would point at a library that is not there)`,
  resource: about,
});
export const ENVIRONMENT_NOT_EDITABLE = warning<About & { where: string; shape: string }>({
  id: "W208",
  summary: "`Environment` or `Environment.Variables` cannot be edited; no `DD_*` variables were added, and the handler was not redirected.",
  fix: "Add the `DD_*` variables yourself (README.md, \"Environment variables\"), or write the variables as a map.",
  message: (a) => `${a.where} is ${a.shape}, which the macro cannot edit`,
  resource: about,
});
export const ENVIRONMENT_TOO_LARGE = warning<About>({
  id: "W209",
  summary: "The function's environment variables exceed Lambda's 4 KB limit.",
  fix: "Shorten some values (`DD_TAGS` is often the longest).",
  message: () => "its environment variables now exceed Lambda's 4 KB limit",
  resource: about,
});
export const HANDLER_ALREADY_DATADOG = warning<About & { what: string }>({
  id: "W210",
  summary: "The handler already is Datadog's, but `DD_LAMBDA_HANDLER` is not set.",
  fix: "Set `DD_LAMBDA_HANDLER` to your own handler.",
  message: (a) => `${a.what} already is the Datadog handler but DD_LAMBDA_HANDLER is not set`,
  resource: about,
});
export const NO_HANDLER = warning<About & { what: string }>({
  id: "W211",
  summary: "The function has no handler to redirect.",
  fix: "Give the function a `Handler` (or image `Command`), or wrap it with the Datadog library in code.",
  message: (a) => `no ${a.what} to redirect; the Datadog wrapper was not set up`,
  resource: about,
});
export const IMAGE_RUNTIME_UNKNOWN = warning<About>({
  id: "W213",
  summary: "A container image function's command was not redirected: the macro does not know the image's runtime.",
  fix: "Add `Metadata: {DatadogRuntime: <runtime, e.g. python3.12>}` to the function.",
  message: () => "ImageConfig.Command was not redirected because the image's runtime is not known",
  resource: about,
});
export const IMAGE_COMMAND_NOT_LIST = warning<About>({
  id: "W214",
  summary: "A container image function's `ImageConfig.Command` is not a literal list.",
  fix: "Write the command as a list, or point it at the Datadog handler yourself.",
  message: () => "ImageConfig.Command is not a literal list; it was not redirected",
  resource: about,
});
export const TAGS_NOT_EDITABLE = warning<About & { keys: string[] }>({
  id: "W215",
  summary: "`Tags` is an intrinsic function the macro cannot edit.",
  fix: "Add those tags yourself, or write `Tags` as a list (a map for SAM).",
  message: (a) => `Tags is an intrinsic function the macro cannot edit; it needs ${a.keys.join(", ")}`,
  resource: about,
});
export const GRANT_BY_HAND = warning<About & { why: string; actions: string[] }>({
  id: "W216",
  summary: "The macro cannot give the role the permissions Datadog needs.",
  fix: "Grant those actions to the role it runs with yourself.",
  message: (a) => `${a.why}; it needs ${a.actions.join(", ")}`,
  resource: about,
});

export const EDGE_FUNCTION = warning<About & { distribution: string }>({
  id: "W217",
  summary: "A Lambda@Edge function (run by a CloudFront distribution) got tags only: Lambda@Edge allows no layers nor environment variables.",
  fix: "Instrument it in code (bundle the Datadog library, with the API key in code or a secret read at run time); its logs are in `/aws/lambda/us-east-1.<name>` groups of each region it runs in.",
  message: (a) => `runs at the edge for CloudFront distribution ${a.distribution}; left without layers, environment variables, handler change and log subscription`,
  resource: about,
});

export const CODE_SIGNING_BY_HAND = warning<About & { why: string; profile: string }>({
  id: "W218",
  summary: "A function with code signing gets Datadog's layers, but the macro cannot make its code signing config trust Datadog's signing profile.",
  fix: "Add Datadog's signing profile (the ARN the message gives) to the config's `AllowedPublishers.SigningProfileVersionArns` yourself, or deployment fails when the config enforces signatures.",
  message: (a) => `${a.why}; it must trust ${a.profile}`,
  resource: about,
});
export const NO_SIGNING_PROFILE = warning<About & { partition: string }>({
  id: "W219",
  summary: "Datadog documents no signing profile for this partition, so a code signing config cannot be made to trust Datadog's layers.",
  fix: "Ask Datadog for the signing profile of its layers there, or set the config's policy to `Warn`, or copy the layers into your account (`useLayersFromAccount`) and sign them yourself.",
  message: (a) => `has a code signing config, and Datadog documents no signing profile for partition ${a.partition}`,
  resource: about,
});

export const IMAGE_NEEDS_DATADOG = warning<About & { redirected: boolean }>({
  id: "W220",
  summary: "A container image function got environment, tags and log subscription; what runs inside the image is the image's.",
  fix: "Build the Datadog library for the runtime and the extension (`COPY --from=public.ecr.aws/datadog/lambda-extension:<version> /opt/. /opt/`) into the image, and point its command at the Datadog handler with your handler in `DD_LAMBDA_HANDLER` (or set `Metadata.DatadogRuntime` and the macro does that); `instrumentContainerImages: false` skips images.",
  message: (a) => `container image: the image must hold the Datadog library and the extension${a.redirected ? "" : ", and a command pointing at the Datadog handler"}`,
  resource: about,
});
export const PROFILING_UNSUPPORTED = warning<About & { runtime: string }>({
  id: "W221",
  summary: "`enableProfiling` is set for a runtime Datadog's serverless docs do not document profiling for (they do for Python and Node.js).",
  fix: "Set `enableProfiling` only where it works (Python, Node.js), or exclude the other functions; the variable was set anyway.",
  message: (a) => `DD_PROFILING_ENABLED is set, but Datadog documents serverless profiling for Python and Node.js only, not ${a.runtime}`,
  resource: about,
});

// Notes: what the macro chose.
export const DEFAULT_LAYER_VERSIONS = note<{ layers: string[] }>({
  id: "I101",
  summary: "Layers without a `*LayerVersion` parameter got this release's default version.",
  fix: "Set the `*LayerVersion` parameters to pin versions (README.md, \"Layer versions\").",
  message: (a) => `Layer versions from this release's defaults: ${a.layers.join(", ")}`,
});

// Warnings about log forwarding.
export const LOG_GROUP_UNRESOLVED = warning<About & { what: string }>({
  id: "W301",
  summary: "The log group to forward cannot be resolved at transform time.",
  fix: "Subscribe that log group to the forwarder yourself, or give its name as a literal.",
  message: (a) => `${a.what} cannot be resolved at transform time; its log group was not subscribed`,
  resource: about,
});
export const ALREADY_FORWARDING = warning<About & { destination: string; filter: string }>({
  id: "W304",
  summary: "The log group already forwards to the same destination under another filter; nothing was added.",
  fix: "Nothing to do.",
  message: (a) => `its log group already forwards to ${a.destination} through filter "${a.filter}"; no filter added`,
  resource: about,
});
export const FILTER_LIMIT = warning<About>({
  id: "W305",
  summary: "The log group already has 2 subscription filters (CloudWatch Logs' limit) going elsewhere.",
  fix: "Remove one of its filters to make room, then deploy again.",
  message: () => "its log group already has 2 subscription filters going elsewhere; logs are not forwarded to Datadog",
  resource: about,
});

export const NOT_A_LOG_GROUP = warning<About & { what: string; why: string }>({
  id: "W306",
  summary: "A log destination is not a CloudWatch Logs group this stack can subscribe (another service, region or account).",
  fix: "Subscribe that destination to Datadog where it lives (a Firehose stream can deliver to Datadog directly), or log to a group of this region and account.",
  message: (a) => `${a.what} ${a.why}; not subscribed`,
  resource: about,
});

export const GROUP_NOT_FOUND = warning<About & { name: string }>({
  id: "W307",
  summary: "A log group to forward does not exist, and is not one the macro may create (another stack or service may).",
  fix: "Deploy again once the group exists, or declare it in this template.",
  message: (a) => `log group ${a.name} does not exist yet; not subscribed (deploy again once it exists)`,
  resource: about,
});

// Warnings about state machines.
export const SFN_LOGGING_INTRINSIC = warning<About>({
  id: "W401",
  summary: "A state machine's logging configuration is an intrinsic function.",
  fix: "Configure logging and its subscription yourself, or write the configuration as a map.",
  message: () => "its logging configuration is an intrinsic function; logging and subscription left to you",
  resource: about,
});
export const SFN_LOGGING_LEVEL = warning<About>({
  id: "W403",
  summary: "A state machine's logging is not `Level: ALL` with `IncludeExecutionData: true`.",
  fix: "Datadog traces need both; set them.",
  message: () => "logging is not Level ALL with IncludeExecutionData; left as you set it",
  resource: about,
});
export const SFN_DEFINITION_ELSEWHERE = warning<About>({
  id: "W404",
  summary: "A state machine's definition is not in the template; trace context was not injected.",
  fix: "Inline the definition, or add the execution context to Lambda payloads yourself.",
  message: () => "its definition is not in the template (DefinitionS3Location or DefinitionUri); trace context not injected",
  resource: about,
});
export const SFN_DEFINITION_UNREADABLE = warning<About & { why: string }>({
  id: "W405",
  summary: "A state machine's definition cannot be read; it was left as it was.",
  fix: "Write the definition as a map, a JSON string, or `Fn::Sub` with `${...}` inside JSON strings.",
  message: (a) => `${a.why}; definition left as it was, trace context not injected`,
  resource: about,
});
export const SFN_STATE_NOT_MERGED = warning<About & { state: string; problem: string }>({
  id: "W406",
  summary: "A state's payload is custom; trace context was not injected there.",
  fix: "Add `Execution.$`, `State.$` and `StateMachine.$` (from `$$`) to its payload yourself.",
  message: (a) => `state "${a.state}" ${a.problem}; trace context not injected there`,
  resource: about,
});
