/**
 * Every SAM translator output of ../shared/corpus (the shape the macro receives after
 * AWS::Serverless-2016-10-31) transforms successfully, idempotently, touching only functions and roles.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DATADOG_SIGNING_PROFILES } from "../../src/instrument/code-signing";
import { respond } from "../../src/index";
import { isObject } from "../../src/intrinsics";
import { offlineAccountView } from "../../src/lookup/account-view";
import { confirmedLayerLimit, confirmedPolicyExcess, missingDirectory, SAM_OUTPUT_DIR, skipUnless } from "../helpers/corpus";
import { version } from "../../package.json";
import { ALL_LAYERS, run, VERSION } from "../helpers/macro";

const { describe: describeCorpus } = skipUnless(missingDirectory(SAM_OUTPUT_DIR), "corpus property tests");

const PARAMETER_SETS: Record<string, Record<string, unknown>> = {
  "library and extension, X-Ray, secret key": {
    ...ALL_LAYERS,
    extensionLayerVersion: 70,
    apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey",
    enableXrayTracing: true,
    instrumentContainerImages: true,
  },
  "no layers, no redirect": { addLayers: false, redirectHandler: false, apiKMSKey: "k" },
  "forwarder for functions and state machines": {
    ...ALL_LAYERS,
    forwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:forwarder",
    stepFunctionForwarderArn: "arn:aws:lambda:us-east-1:123456789012:function:forwarder",
    stackName: "corpus",
    service: "svc",
    subscribeToExecutionLogs: true,
  },
};
const TOUCHED = new Set(["AWS::Lambda::Function", "AWS::IAM::Role", "AWS::StepFunctions::StateMachine"]);

/** The one edit a code signing config may get: Datadog's signing profile appended to its allowed publishers. */
function trustsDatadog(before: any, after: any): boolean {
  if (before.Type !== "AWS::Lambda::CodeSigningConfig") return false;
  const arns = before.Properties?.AllowedPublishers?.SigningProfileVersionArns;
  const expected = JSON.parse(JSON.stringify(before));
  expected.Properties.AllowedPublishers.SigningProfileVersionArns = [...(Array.isArray(arns) ? arns : []), DATADOG_SIGNING_PROFILES.aws];
  return JSON.stringify(after) === JSON.stringify(expected);
}

/**
 * The edits an API stage may get: `TracingEnabled: true` where it had none (REST stages, with
 * `enableXrayTracing`), and `DependsOn` on the execution log group the macro declares for it.
 */
function instrumentedStage(before: any, after: any): boolean {
  if (before.Type !== "AWS::ApiGateway::Stage" && before.Type !== "AWS::ApiGatewayV2::Stage") return false;
  const expected = JSON.parse(JSON.stringify(after));
  if (before.Properties?.TracingEnabled === undefined && expected.Properties?.TracingEnabled === true) delete expected.Properties.TracingEnabled;
  const waits = [after.DependsOn ?? []].flat().filter((id: string) => /ExecutionLogsLogGroup\d*$/.test(id));
  if (waits.length > 0) {
    const rest = [after.DependsOn].flat().filter((id: string) => !waits.includes(id));
    if (rest.length === 0) delete expected.DependsOn;
    else expected.DependsOn = typeof before.DependsOn === "string" ? rest[0] : rest;
  }
  return JSON.stringify(expected) === JSON.stringify(before);
}

/** The edit an AppSync GraphQL API may get: `XrayEnabled: true` where it had none (`enableXrayTracing`). */
function tracedGraphQlApi(before: any, after: any): boolean {
  if (before.Type !== "AWS::AppSync::GraphQLApi" || before.Properties?.XrayEnabled !== undefined || after.Properties?.XrayEnabled !== true) return false;
  const expected = JSON.parse(JSON.stringify(after));
  delete expected.Properties.XrayEnabled;
  return JSON.stringify(expected) === JSON.stringify(before);
}

describeCorpus("SAM translator outputs", () => {
  const files = missingDirectory(SAM_OUTPUT_DIR) ? [] : readdirSync(SAM_OUTPUT_DIR).filter((file) => file.endsWith(".json"));

  test.each(Object.entries(PARAMETER_SETS))("%s: success, idempotent, other resources untouched, the handler agrees", async (_name, params) => {
    let instrumented = 0;
    const problems: string[] = [];
    for (const file of files) {
      const input = JSON.parse(readFileSync(join(SAM_OUTPUT_DIR, file), "utf8"));
      const first = run(input, params);
      if (!first.ok) {
        // The legitimate failures: a function whose own layers leave no room for Datadog's; a role already past IAM's limit.
        const unexplained = first.errors.filter((error) => !confirmedLayerLimit(error, input) && !confirmedPolicyExcess(error, input));
        if (unexplained.length > 0) problems.push(`${file}: ${unexplained.join(" | ")}`);
        continue;
      }
      instrumented += first.instrumented.length;
      // The Lambda entry point, on a fresh copy as CloudFormation would send it, answers the same.
      const event = { requestId: file, region: "us-east-1", accountId: "123456789012", params, templateParameterValues: {}, fragment: JSON.parse(JSON.stringify(input)) };
      const response = await respond(event, {}, { log() {} }, () => offlineAccountView());
      // The test runner's macro version (in tags and the Metadata summary) becomes the real one the handler writes.
      const expected = JSON.stringify(first.fragment).split(`"v${VERSION}"`).join(`"v${version}"`).split(`"version":"${VERSION}"`).join(`"version":"${version}"`);
      if (response.status !== "success" || JSON.stringify(response.fragment) !== expected) problems.push(`${file}: the handler answered differently`);
      const second = run(first.fragment, params);
      if (JSON.stringify(second.fragment) !== JSON.stringify(first.fragment)) problems.push(`${file}: not idempotent`);
      const after = (first.fragment as any).Resources;
      for (const [id, resource] of Object.entries<any>(input.Resources ?? {})) {
        if (isObject(resource) && !TOUCHED.has(resource.Type as string) && JSON.stringify(after[id]) !== JSON.stringify(resource) && !trustsDatadog(resource, after[id]) && !instrumentedStage(resource, after[id]) && !tracedGraphQlApi(resource, after[id])) {
          problems.push(`${file}: ${id} (${resource.Type}) was changed`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(files.length).toBeGreaterThan(400);
    expect(instrumented).toBeGreaterThan(400);
  });
});
