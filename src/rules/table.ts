/**
 * Every error and warning the macro reports. README's troubleshooting section is generated from this
 * table (`npm run generate`), and a test makes every rule fire.
 * Ids: E1xx/W1xx the request and parameters, E2xx/W2xx functions, E3xx/W3xx log forwarding,
 * W4xx state machines, E5xx/W5xx Datadog monitors, E9xx the macro itself.
 */
import { about, error, names, note, warning, type About } from "./rule";
import { JSONATA_CONTEXT_MIN_LAYER_VERSIONS } from "../layer-versions";

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
export const TEMPLATE_TOO_LARGE = error<{ before: string; after: string; limit: number; already: boolean }>({
  id: "E105",
  summary: "The processed template would be past CloudFormation's size limit (1 MB), by what the macro adds or by itself.",
  fix: "Split the stack (nested stacks), or leave some functions out with `exclude`, or turn off what adds resources (`forwarderArn` subscriptions, `stepFunctionForwarderArn`).",
  message: (a) =>
    a.already
      ? `The template is already ${a.before} bytes (JSON without whitespace) before the macro's additions, but CloudFormation allows ${a.limit}: the deploy would fail whatever the macro does`
      : `The template is ${a.before} bytes and would be ${a.after} bytes with the macro's additions (JSON without whitespace), but CloudFormation allows ${a.limit}`,
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
  fix: "Keep one spelling (`coldStartTraceMinDuration` is another name of `minColdStartTraceDuration`, `forwarder` of `forwarderArn`; README.md's parameter table lists every spelling).",
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

export const FORWARDER_ELSEWHERE = error<{ name: string; where: string }>({
  id: "E132",
  summary: "A forwarder parameter names a Lambda function of another region or account than the stack's.",
  fix: "CloudWatch Logs subscribes a log group only to a Lambda function of its own region and account: install the Datadog Forwarder in each region you deploy to, and give that region's ARN.",
  message: (a) => `Parameter \`${a.name}\` is a Lambda function ${a.where}, so no log group of this stack can be subscribed to it`,
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

export const TAG_PARAMETER_INVALID = error<{ name: string; entry?: number; part: "key" | "value"; problem: string }>({
  id: "E131",
  summary: "A parameter the macro writes as a resource tag (`service`, `env`, `version`, a `tags` pair) is not a valid tag key or value.",
  fix: "Tag keys take 1 to 128 characters and values up to 256, of Unicode letters, digits, white space and `_ . : / = + - @`; keys may not start with `aws:`.",
  message: (a) => `${a.entry === undefined ? `Parameter \`${a.name}\`` : `Entry ${a.entry} of parameter \`${a.name}\``} cannot be a tag ${a.part}: ${a.problem}`,
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
export const LAYER_VERSION_NOT_FOUND = error<{ parameter: string; arn: string }>({
  id: "E207",
  summary: "A layer version given by a parameter does not exist: the deploy would fail part-way.",
  fix: "Correct the parameter to a version that is published, or remove it to use this release's default; with `useLayersFromAccount` or a `*LayerArn`, publish that version in that account first.",
  message: (a) => `\`${a.parameter}\` gives the layer version ${a.arn}, which does not exist`,
});

export const ROLE_POLICY_LIMIT = error<About & { inline: number; inlineLimit: number; why: string; users: string[] }>({
  id: "E206",
  summary: "The permissions Datadog needs fit neither in the role's inline policies (IAM allows 10,240 characters in all) nor in a managed policy (10 per role by default, 6,144 characters each).",
  fix: "Trim the role's inline policies or merge some of its managed policies (the macro counts IAM's default quota of 10 managed policies per role, whatever quota the account has), or list the functions and state machines using the role in `exclude` and grant Datadog's permissions yourself.",
  message: (a) => `the role of ${a.users.join(", ")}: its inline policies would be ${a.inline} characters with Datadog's permissions, past IAM's ${a.inlineLimit}, and ${a.why}`,
  resource: about,
});
export const ENVIRONMENT_TOO_LARGE = error<About & { before: number; after: number; limit: number; largest: { name: string; bytes: number }[] }>({
  id: "E204",
  summary: "The macro's environment variables would take a function past Lambda's limit of 4 KB of variables (keys and values, in UTF-8 bytes).",
  fix: "Shorten some values (`DD_TAGS`, from the `tags` parameter, is often the longest), move configuration out of the environment (SSM Parameter Store, Secrets Manager), or list the function in `exclude`.",
  message: (a) =>
    `its environment variables would take ${a.after} bytes with the macro's (${a.before} before), but Lambda allows ${a.limit}; the largest the macro adds: ${a.largest.map((v) => `${v.name} (${v.bytes} bytes)`).join(", ")}`,
  resource: about,
});
export const TOO_MANY_TAGS = error<About & { service: string; count: number; limit: number; added: string[] }>({
  id: "E205",
  summary: "The macro's tags would take a function or state machine past AWS's limit of 50 tags.",
  fix: "Remove tags the resource does not need (SAM `Globals` tags count too), shorten the `tags` parameter, or list the resource in `exclude`.",
  message: (a) => `it would have ${a.count} tags with the macro's (${names(a.added)}), but ${a.service} allows ${a.limit}`,
  resource: about,
});
export const LIMIT_ALREADY_EXCEEDED = error<About & { what: string; size: string; quota: string }>({
  id: "E208",
  summary: "A function, state machine or role of the template is already past an AWS quota without the macro's additions: CloudFormation would fail to deploy it.",
  fix: "Bring it under the quota (README.md, \"Limits\"); the macro checks every function, state machine and role of the template, instrumented or not, since the deploy fails either way.",
  message: (a) => `its ${a.what} take ${a.size} without the macro's additions, past ${a.quota}: the deploy would fail whatever the macro does`,
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
export const EXECUTION_LOGS_NEED_STACK_NAME = error<{ ids: string[]; parameter: "subscribeToExecutionLogs" | "subscribeToAppSyncLogs"; service: string }>({
  id: "E304",
  summary: "With `subscribeToExecutionLogs` or `subscribeToAppSyncLogs`, APIs of the template need `stackName` so the log groups named after their ids can be found.",
  fix: "Add `stackName: !Ref AWS::StackName` to the macro parameters (CDK: `stackName: stack.stackName` in the Datadog mapping), or set the parameter the message names to `false`.",
  message: (a) =>
    `With \`${a.parameter}\`, the log ${plural(a.ids, "group", "groups")} of ${a.ids.join(", ")} must be found, but ${a.service} names ${plural(a.ids, "it", "them")} after the API's id, which the macro reads from the stack: \`stackName\` is not set`,
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
  summary: "FIPS mode (`lambdaFips`, on by default with the extension in GovCloud) sends to a site that is not a government site: the function's traffic uses FIPS-validated cryptography, but the data is not handled FIPS-compliantly end to end.",
  fix: "For end-to-end compliance send to a government site; otherwise nothing to do (`lambdaFips: false` turns FIPS mode off).",
  message: (a) => `FIPS mode is on (\`lambdaFips\`) and \`site\` is ${a.site}; end-to-end FIPS compliance needs a government site (${a.sites.join(", ")})`,
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
export const IGNORED_OPTION = warning<{ name: string; source: string; why: string }>({
  id: "W106",
  summary: "An option of Datadog's Serverless Framework plugin or CDK constructs that has no meaning for a macro is given; it is ignored.",
  fix: "Remove it; the message says why it does nothing here, and what to use instead when there is something.",
  message: (a) => `\`${a.name}\` (${a.source}) is ignored: ${a.why}`,
});
export const CUSTOM_HANDLER_UNUSED = warning<{}>({
  id: "W107",
  summary: "`customHandler` is set but `redirectHandler` is false: no handler is redirected.",
  fix: "Drop `customHandler`, or drop `redirectHandler: false`.",
  message: () => "`customHandler` has no effect: `redirectHandler` is false, so no handler is redirected",
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
export const HANDLER_ALREADY_DATADOG = warning<About & { what: string }>({
  id: "W210",
  summary: "The handler already is Datadog's (or the `customHandler`), but `DD_LAMBDA_HANDLER` is not set.",
  fix: "Set `DD_LAMBDA_HANDLER` to your own handler.",
  message: (a) => `${a.what} already is the Datadog handler (or \`customHandler\`) but DD_LAMBDA_HANDLER is not set`,
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
export const LAYER_NOT_CHECKED = warning<{ parameter: string; arn: string; detail: string }>({
  id: "W223",
  summary: "The macro could not check that a layer version given by a parameter exists.",
  fix: "Give the macro function's role `lambda:GetLayerVersion` (`template.yml` does) and deploy again, or make sure the version exists yourself: a missing one fails the deploy part-way.",
  message: (a) => `Could not check that ${a.arn} (from \`${a.parameter}\`) exists (${a.detail})`,
});

export const ENVIRONMENT_SIZE_UNKNOWN = warning<About & { names: string[]; known: number; limit: number; allowance: number }>({
  id: "W222",
  summary: "The size of a function's environment variables could not be checked against Lambda's 4 KB limit: some values are intrinsic functions the macro cannot resolve, and the rest is close enough to the limit for them to matter.",
  fix: "Make sure the deployed values keep the function's variables under 4 KB, or give them as literals or `Ref`s to template parameters so the macro can count them.",
  message: (a) =>
    `${plural(a.names, "the value of", "the values of")} ${names(a.names)} cannot be resolved, and the rest takes ${a.known} of Lambda's ${a.limit} bytes: with values of up to ${a.allowance} bytes each its variables could exceed the limit, so their size could not be checked`,
  resource: about,
});

// Notes: what the macro chose.
export const DEFAULT_LAYER_VERSIONS = note<{ layers: string[] }>({
  id: "I101",
  summary: "Layers without a `*LayerVersion` parameter got this release's default version.",
  fix: "Set the `*LayerVersion` parameters to pin versions (README.md, \"Layer versions\").",
  message: (a) => `Layer versions from this release's defaults: ${a.layers.join(", ")}`,
});
export const TEMPLATE_NEEDS_S3 = note<{ before: number; after: number; limit: number }>({
  id: "I103",
  summary: "With the macro's additions the processed template is over 51,200 bytes, the limit for a template passed directly.",
  fix: "Deploy the template through S3, as `sam deploy` and `cdk deploy` do: `aws cloudformation deploy --s3-bucket`, or `create-stack --template-url`.",
  message: (a) => `The template is ${a.before} bytes and becomes ${a.after} bytes with the macro's additions (JSON without whitespace), past the ${a.limit} bytes of a template passed directly`,
});

export const GRANTS_IN_MANAGED_POLICY = note<About & { policy: string; inline: number; inlineLimit: number }>({
  id: "I102",
  summary: "Datadog's permissions went to a managed policy attached to the role: in its inline policies they would pass IAM's 10,240 characters.",
  fix: "Nothing to do; trim the role's inline policies to have them inline again.",
  message: (a) => `Datadog's permissions are in managed policy ${a.policy}: with them, its inline policies would be ${a.inline} characters, past IAM's ${a.inlineLimit}`,
  resource: about,
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

export const APPSYNC_LOGGING_UNKNOWN = warning<About & { why: string }>({
  id: "W308",
  summary: "Whether an AppSync API logs to CloudWatch Logs cannot be told at transform time; its log group was not subscribed.",
  fix: "Write `LogConfig` (SAM: `Logging`) as a map, or subscribe `/aws/appsync/apis/<api id>` to the forwarder yourself.",
  message: (a) => `${a.why}; whether AppSync logs it cannot be told, so its log group was not subscribed`,
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
export const SFN_JSONATA_STATE_NOT_MERGED = warning<About & { state: string; problem: string; where: string; context: string }>({
  id: "W407",
  summary: "A JSONata state's payload cannot be merged safely; trace context was not injected there.",
  fix: "Give the payload a `_datadog` key holding the expression the message gives (or `$merge` it into your own expression).",
  message: (a) => `state "${a.state}" ${a.problem}; trace context not injected there. Add to its ${a.where}: "_datadog": "{% ${a.context} %}"`,
  resource: about,
});
export const SFN_JSONATA_OLD_LAYERS = warning<About & { pinned: string[] }>({
  id: "W408",
  summary: "A JSONata state machine passes trace context to Lambda functions whose pinned Datadog layer is too old to read it.",
  fix: `Pin at least Node.js layer ${JSONATA_CONTEXT_MIN_LAYER_VERSIONS.nodejs}, Python layer ${JSONATA_CONTEXT_MIN_LAYER_VERSIONS.python} and extension ${JSONATA_CONTEXT_MIN_LAYER_VERSIONS.extension}, or leave the version unset for this release's default.`,
  message: (a) => `its JSONata Lambda steps pass the trace context in _datadog, which the functions on ${a.pinned.join(", ")} ignore`,
  resource: about,
});

// Datadog monitors (`monitors`).
export const MONITOR_INVALID = error<{ where: string; problem: string }>({
  id: "E501",
  summary: "`monitors`, or one of its monitors, has a shape the `Datadog::Monitors::Monitor` type does not accept: the deploy would fail.",
  fix: "Write `monitors` as a list of one-key maps, `- <monitor id>: { name, message, tags, options: { thresholds: { critical } }, query, type, priority }`, with the option names of Datadog's monitor API (README.md, \"Monitors\").",
  message: (a) => `${a.where}: ${a.problem}`,
});
export const MONITOR_KEY_IN_TEMPLATE = warning<{ names: string[] }>({
  id: "W501",
  summary: "Keys for Datadog's monitor API were given to the macro; they belong to the `Datadog::Monitors::Monitor` type's configuration and are not written into the template.",
  fix: "Remove them from the parameters; set the API and application keys once per region with `aws cloudformation set-type-configuration --type RESOURCE --type-name Datadog::Monitors::Monitor --configuration '{\"DatadogCredentials\":{...}}'` (README.md, \"Monitors\").",
  message: (a) => `${names(a.names)} ${plural(a.names, "is", "are")} not used: the monitors' type reads the keys from its own configuration, so the value is ignored`,
});
export const RECOMMENDED_MONITOR_QUERY = warning<{ id: string }>({
  id: "W502",
  summary: "A recommended monitor id is given a `query` of its own: the query is used as given, not the recommended one (Datadog's plugin would ignore it).",
  fix: "Remove `query` to get the recommended query with your thresholds, or give the monitor an id of its own to make it plainly custom.",
  message: (a) => `monitor \`${a.id}\` is one of the recommended monitors but has its own \`query\`: the query is used as given, with no recommended threshold or message`,
});
