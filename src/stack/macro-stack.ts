/**
 * The macro stack (template.yml), built from the parameter table: every parameter with a macro
 * environment variable becomes a stack parameter an administrator can set once per region.
 * `npm run generate` writes template.yml; a test keeps the committed file equal to this.
 */
import { PARAMETERS, PARAMETER_NAMES, type ParameterName, type ParameterSpec } from "../config/parameters";
import { LOG_RETENTION_DAYS } from "../config/validate";
import type { Json, JsonObject } from "../intrinsics";
import { MACRO_TIMEOUT_SECONDS } from "../lookup/pacing";
import { MACRO_NAME } from "../version";

export const MACRO_RUNTIME = "nodejs22.x";
export const VERSION_TAG = "datadog-serverless-macro:version";

/** Where the zip is: filled in by scripts/package.sh in the packaged template. */
export interface CodeLocation {
  bucket?: string;
  key?: string;
  /** Read the zip from `<bucket>-<region>` (one bucket per region, for StackSets). */
  regional?: boolean;
}

const ref = (name: string): Json => ({ Ref: name });
const ifSet = (condition: string, value: Json): Json => ({ "Fn::If": [condition, value, ref("AWS::NoValue")] });
const notEmpty = (parameter: string): Json => ({ "Fn::Not": [{ "Fn::Equals": [ref(parameter), ""] }] });
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** Table parameters an administrator can default for the region, as stack parameter names. */
export function regionDefaults(): { name: ParameterName; parameter: string; env: string; spec: ParameterSpec }[] {
  return PARAMETER_NAMES.flatMap((name) => {
    const spec: ParameterSpec = PARAMETERS[name];
    return spec.env ? [{ name, parameter: `Default${pascal(name)}`, env: spec.env, spec }] : [];
  });
}

export function macroStack(version: string, code: CodeLocation = {}): JsonObject {
  const defaults = regionDefaults();
  const parameters: JsonObject = {
    MacroName: { Type: "String", Default: MACRO_NAME, AllowedPattern: "^[A-Za-z0-9_:-]+$", Description: "Name to use in Transform; another name lets two versions run side by side." },
    FunctionName: { Type: "String", Default: "", Description: "Name of the macro's Lambda function; empty for a generated name." },
    PermissionsBoundaryArn: { Type: "String", Default: "", Description: "Permissions boundary for the macro's role; empty for none." },
    MemorySize: { Type: "Number", Default: 256, MinValue: 128, MaxValue: 10240, Description: "Memory of the macro's function (MB)." },
    Timeout: {
      Type: "Number",
      Default: MACRO_TIMEOUT_SECONDS,
      MinValue: 1,
      MaxValue: 900,
      Description: `Timeout of the macro's function (seconds). With forwarderArn the macro paces its CloudWatch Logs lookups to the account's rate limits (about 5 calls a second) and keeps trying until this time is nearly spent (E305 then): ${MACRO_TIMEOUT_SECONDS} s covers a redeploy of 500 functions (about 520 calls, 105 s) nearly three times over. Billed for the time used, not the timeout.`,
    },
    LogRetentionInDays: { Type: "Number", Default: 90, AllowedValues: LOG_RETENTION_DAYS, Description: "Retention of the macro's own logs (the log group is retained when the stack is deleted)." },
    LogLevel: { Type: "String", Default: "info", AllowedValues: ["debug", "info", "warn", "error"], Description: "Level of the macro's own logs." },
    CodeBucket: { Type: "String", MinLength: 1, ...(code.bucket ? { Default: code.bucket } : {}), Description: "S3 bucket holding the macro's zip (scripts/package.sh fills this in)." },
    CodeKey: { Type: "String", MinLength: 1, ...(code.key ? { Default: code.key } : {}), Description: "S3 key of the macro's zip (scripts/package.sh fills this in)." },
    CodeBucketIsRegional: {
      Type: "String",
      Default: code.regional ? "true" : "false",
      AllowedValues: ["true", "false"],
      Description: "true: read the zip from <CodeBucket>-<region>, one bucket per region (StackSets).",
    },
  };
  for (const d of defaults) {
    parameters[d.parameter] = {
      Type: "String",
      Default: "",
      ...(d.spec.secret ? { NoEcho: true } : {}),
      Description: `Region-wide default for \`${d.name}\` (${d.env}); empty for the macro's default. ${d.spec.doc}`.slice(0, 4000),
    };
  }
  const conditions: JsonObject = {
    HasFunctionName: notEmpty("FunctionName"),
    HasPermissionsBoundary: notEmpty("PermissionsBoundaryArn"),
    RegionalCode: { "Fn::Equals": [ref("CodeBucketIsRegional"), "true"] },
  };
  for (const d of defaults) conditions[`Has${d.parameter}`] = notEmpty(d.parameter);

  const variables: JsonObject = { LOG_LEVEL: ref("LogLevel") };
  for (const d of defaults) variables[d.env] = ifSet(`Has${d.parameter}`, ref(d.parameter));

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `${MACRO_NAME} CloudFormation macro v${version}: instruments Lambda functions and state machines for Datadog.`,
    Metadata: {
      "AWS::CloudFormation::Interface": {
        ParameterGroups: [
          { Label: { default: "Macro" }, Parameters: ["MacroName", "FunctionName", "PermissionsBoundaryArn", "MemorySize", "Timeout", "LogRetentionInDays", "LogLevel"] },
          { Label: { default: "Artifact (filled in by scripts/package.sh)" }, Parameters: ["CodeBucket", "CodeKey", "CodeBucketIsRegional"] },
          { Label: { default: "Region-wide defaults of the macro's parameters" }, Parameters: defaults.map((d) => d.parameter) },
        ],
      },
    },
    Parameters: parameters,
    Conditions: conditions,
    Resources: {
      MacroFunctionRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
          PermissionsBoundary: ifSet("HasPermissionsBoundary", ref("PermissionsBoundaryArn")),
          Policies: [
            {
              PolicyName: "MacroLogging",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: { "Fn::GetAtt": ["MacroLogGroup", "Arn"] } }],
              },
            },
            {
              // Read-only: with forwarderArn the macro checks which log groups exist and what they forward to.
              PolicyName: "ForwarderLookups",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: ["logs:DescribeLogGroups", "logs:DescribeSubscriptionFilters"], Resource: "*" },
                  // The ids of a stack's APIs, which name their execution log groups (`subscribeToExecutionLogs`).
                  { Effect: "Allow", Action: ["cloudformation:ListStackResources"], Resource: "*" },
                ],
              },
            },
            {
              // Read-only: the macro checks that the layer versions parameters pin exist. Any account's
              // layers, as `useLayersFromAccount` and the `*LayerArn` parameters may name any.
              PolicyName: "LayerLookups",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["lambda:GetLayerVersion"], Resource: { "Fn::Sub": "arn:${AWS::Partition}:lambda:*:*:layer:*:*" } }],
              },
            },
          ],
        },
      },
      MacroLogGroup: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
        Properties: { RetentionInDays: ref("LogRetentionInDays") },
      },
      MacroFunction: {
        Type: "AWS::Lambda::Function",
        Properties: {
          FunctionName: ifSet("HasFunctionName", ref("FunctionName")),
          Description: `${MACRO_NAME} CloudFormation macro v${version}`,
          Runtime: MACRO_RUNTIME,
          Handler: "index.handler",
          Code: {
            S3Bucket: { "Fn::If": ["RegionalCode", { "Fn::Sub": "${CodeBucket}-${AWS::Region}" }, ref("CodeBucket")] },
            S3Key: ref("CodeKey"),
          },
          MemorySize: ref("MemorySize"),
          Timeout: ref("Timeout"),
          Role: { "Fn::GetAtt": ["MacroFunctionRole", "Arn"] },
          LoggingConfig: { LogGroup: ref("MacroLogGroup"), LogFormat: "Text" },
          Environment: { Variables: variables },
          Tags: [{ Key: VERSION_TAG, Value: version }],
        },
      },
      Macro: {
        Type: "AWS::CloudFormation::Macro",
        Properties: {
          Name: ref("MacroName"),
          Description: `Instruments Lambda functions and state machines for Datadog (v${version})`,
          FunctionName: { "Fn::GetAtt": ["MacroFunction", "Arn"] },
        },
      },
    },
    Outputs: {
      MacroName: { Description: "Use it as Transform: [..., {Name: <this>, Parameters: {...}}]", Value: ref("MacroName") },
      MacroFunctionArn: { Description: "The macro's Lambda function; deployers need lambda:InvokeFunction on it", Value: { "Fn::GetAtt": ["MacroFunction", "Arn"] } },
      MacroVersion: { Description: "Version of the macro's code", Value: version },
    },
  };
}
