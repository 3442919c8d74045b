/**
 * Options of Datadog's Serverless Framework plugin and CDK constructs that mean nothing for a macro, each
 * with the reason: accepted with a warning (W106), so a pasted `custom.datadog` block or `DatadogLambda`
 * props object transforms. Options with a meaning here are parameters or their aliases (parameters.ts).
 */

const GIT_DATA = "set `gitData: <commit sha>,<repository url>` instead (for example from CI: `$(git rev-parse HEAD),$(git remote get-url origin)`)";

export const IGNORED_OPTIONS: Readonly<Record<string, string>> = {
  skipCloudformationOutputs: "the macro adds no Outputs to the stack",
  subdomain: "it names the app links the plugin adds as Outputs, and the macro adds no Outputs",
  testingMode: "it switches off checks of the plugin's own integration tests; the macro has no test mode (try a template with the preview CLI instead)",
  integrationTesting: "it is the plugin's former name of `testingMode`, which switches off checks of its own integration tests; the macro has no test mode",
  enableSourceCodeIntegration: `the macro runs inside CloudFormation, without your repository, so it cannot read the commit; ${GIT_DATA}`,
  sourceCodeIntegration: `the macro runs inside CloudFormation, without your repository, so it cannot read the commit; ${GIT_DATA}`,
  uploadGitMetadata: `nothing can be uploaded at transform time: the macro runs inside CloudFormation, without your repository; ${GIT_DATA}, and Datadog's GitHub integration links the code`,
  failOnError: "it fails the plugin's deploy when monitors cannot be created through Datadog's API; monitors declared in the stack fail the deploy themselves",
  enableTags: "the plugin no longer reads it; the macro tags functions with `service`, `env`, `version` and `tags` when it subscribes them to `forwarderArn`, and sets `DD_SERVICE`, `DD_ENV`, `DD_VERSION` and `DD_TAGS` on every function whenever they are given",
  createForwarderPermissions: "the macro adds no Lambda permissions to the Forwarder: the Forwarder's own stack lets CloudWatch Logs invoke it",
  apiKeySecret: "a CDK secret object is not a template value; give its ARN as `apiKeySecretArn` (`secret.secretArn`)",
};

export const IGNORED_OPTION_NAMES = Object.keys(IGNORED_OPTIONS);
