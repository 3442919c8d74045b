/** The model of a template: every resource the later steps care about, classified once. */
import { own, type JsonObject, type When } from "../intrinsics";
import type { Architecture, RuntimeInfo } from "../runtimes";

export const LAMBDA_FUNCTION = "AWS::Lambda::Function";
export const SERVERLESS_FUNCTION = "AWS::Serverless::Function";
export const STATE_MACHINE = "AWS::StepFunctions::StateMachine";
export const SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine";
export const IAM_ROLE = "AWS::IAM::Role";
export const LOG_GROUP = "AWS::Logs::LogGroup";
export const SUBSCRIPTION_FILTER = "AWS::Logs::SubscriptionFilter";
export const CLOUDFRONT_DISTRIBUTION = "AWS::CloudFront::Distribution";
export const LAMBDA_VERSION = "AWS::Lambda::Version";
export const LAMBDA_ALIAS = "AWS::Lambda::Alias";
export const CODE_SIGNING_CONFIG = "AWS::Lambda::CodeSigningConfig";
/** CDK's `logRetention`: a custom resource that creates a function's log group and sets its retention. */
export const CDK_LOG_RETENTION = "Custom::LogRetention";

interface ResourceModel {
  logicalId: string;
  /** The resource as received: read-only (edits go through the TemplateDraft). */
  resource: JsonObject;
  /** Its `Properties` as received, or {} when absent or an intrinsic function. */
  properties: JsonObject;
  /** Its `Condition`, carried by whatever the macro adds for it. */
  condition?: string;
  /** Why it cannot be edited at all (e.g. `Properties` is an intrinsic function). */
  uneditable?: string;
}

/** One runtime and architecture a function may have, under the conditions that select it. */
export interface Variant {
  runtime?: string;
  /** Undefined for runtimes Datadog does not instrument (go1.x, ...). */
  info?: RuntimeInfo;
  architecture: Architecture;
  when: When;
}

export interface FunctionModel extends ResourceModel {
  kind: "lambda" | "serverless";
  /** `Globals.Function` for SAM functions: supplies properties the function does not set. */
  globals: JsonObject;
  packageType: "Zip" | "Image" | "unknown";
  createdBySam: boolean;
  /** A function CDK itself adds (custom resource providers, log retention): infrastructure, not the user's code. */
  cdkFramework: boolean;
  /** Runtime × architecture cases; usually one, several when `Runtime` or `Architectures` is an `Fn::If`. Read-only (shared). */
  variants: readonly Variant[];
  /** Why layers and handler must be left alone, when they must. */
  runtimeProblem?: string;
  /** The CloudFront distribution that runs it at the edge (Lambda@Edge allows no layers nor environment). */
  edge?: string;
}

export interface StateMachineModel extends ResourceModel {
  kind: "cfn" | "sam";
}

export interface TemplateModel {
  resources: JsonObject;
  functions: FunctionModel[];
  stateMachines: StateMachineModel[];
  /** Logical ids of the template's log groups, subscription filters and CloudFront distributions. */
  logGroupIds: string[];
  distributionIds: string[];
  /** CDK `Custom::LogRetention` resources: each creates a log group at deploy time. */
  retentionIds: string[];
  filterIds: string[];
  createdByCdk: boolean;
}

/** The function's own property, else (SAM) the one from `Globals.Function`. */
export function functionProperty(fn: FunctionModel, key: string): unknown {
  const value = own(fn.properties, key);
  return value !== undefined ? value : own(fn.globals, key);
}
