/** Test helpers: run the core on a fragment and read the parts of the result tests look at. */
import type { SubscriptionFilterInfo } from "../../src/lookup/account-view";
import { transformFragment, type MacroOutcome } from "../../src/transform";

export const REGION = "us-east-1";
export const VERSION = "9.9.9";

export interface RunOptions {
  region?: string;
  env?: Record<string, string>;
  templateParameterValues?: Record<string, unknown>;
  /** Log groups that exist in the account, with their subscription filters. */
  logGroups?: Record<string, SubscriptionFilterInfo[]>;
  /** Physical ids of the stack's existing resources, by logical id. */
  stackResources?: Record<string, string>;
}

export function run(fragment: unknown, params: Record<string, unknown> = {}, options: RunOptions = {}): MacroOutcome {
  return transformFragment({
    fragment,
    params,
    region: options.region ?? REGION,
    templateParameterValues: options.templateParameterValues ?? {},
    env: options.env ?? {},
    macroVersion: VERSION,
    accountId: "123456789012",
  }, { groups: new Map(Object.entries(options.logGroups ?? {})), stackResources: new Map(Object.entries(options.stackResources ?? {})) });
}

/** Runs and insists on success, returning the instrumented Resources. */
export function instrument(fragment: unknown, params: Record<string, unknown> = {}, options: RunOptions = {}): Record<string, any> {
  const outcome = run(fragment, params, options);
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.errors.join(" | ")}`);
  return (outcome.fragment as any).Resources;
}

export function lambda(properties: Record<string, unknown>): Record<string, unknown> {
  return { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: "x" }, ...properties } };
}

export function role(): Record<string, unknown> {
  return { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [] } } };
}

export function template(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { AWSTemplateFormatVersion: "2010-09-09", ...extra, Resources: { Role: role(), ...resources } };
}

/** Parameters that satisfy every layer-version rule, for tests about something else. */
export const ALL_LAYERS = {
  pythonLayerVersion: 100,
  nodeLayerVersion: 110,
  javaLayerVersion: 20,
  dotnetLayerVersion: 21,
  rubyLayerVersion: 22,
};

export function variables(resource: any): Record<string, unknown> {
  return resource.Properties.Environment?.Variables ?? {};
}

export const layerArn = (name: string, version: number, region = REGION, account = "464622532012", partition = "aws") =>
  `arn:${partition}:lambda:${region}:${account}:layer:${name}:${version}`;

/** A deep copy through JSON: the value as CloudFormation would send it again. */
export const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value));
