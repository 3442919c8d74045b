/** The model of a template: every resource the later steps care about, classified once. */
import { own, type JsonObject, type When } from "../intrinsics";
import type { Architecture, RuntimeInfo } from "../runtimes";

export const LAMBDA_FUNCTION = "AWS::Lambda::Function";
export const SERVERLESS_FUNCTION = "AWS::Serverless::Function";
/** A Lambda function, as CloudFormation or (before SAM's transform) SAM writes it. */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([LAMBDA_FUNCTION, SERVERLESS_FUNCTION]);
export const STATE_MACHINE = "AWS::StepFunctions::StateMachine";
export const SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine";
export const IAM_ROLE = "AWS::IAM::Role";
/** Inline policies of roles declared as resources of their own. */
export const IAM_POLICY = "AWS::IAM::Policy";
export const IAM_ROLE_POLICY = "AWS::IAM::RolePolicy";
export const IAM_MANAGED_POLICY = "AWS::IAM::ManagedPolicy";
export const LOG_GROUP = "AWS::Logs::LogGroup";
export const SUBSCRIPTION_FILTER = "AWS::Logs::SubscriptionFilter";
export const CLOUDFRONT_DISTRIBUTION = "AWS::CloudFront::Distribution";
export const LAMBDA_VERSION = "AWS::Lambda::Version";
export const LAMBDA_ALIAS = "AWS::Lambda::Alias";
export const CODE_SIGNING_CONFIG = "AWS::Lambda::CodeSigningConfig";
export const APIGW_REST_API = "AWS::ApiGateway::RestApi";
export const APIGW_STAGE = "AWS::ApiGateway::Stage";
export const APIGW_DEPLOYMENT = "AWS::ApiGateway::Deployment";
export const APIGW_V2_API = "AWS::ApiGatewayV2::Api";
export const APIGW_V2_STAGE = "AWS::ApiGatewayV2::Stage";
export const SERVERLESS_API = "AWS::Serverless::Api";
export const SERVERLESS_HTTP_API = "AWS::Serverless::HttpApi";
export const APPSYNC_GRAPHQL_API = "AWS::AppSync::GraphQLApi";
export const SERVERLESS_GRAPHQL_API = "AWS::Serverless::GraphQLApi";
/** The tag SAM gives every function it makes (`SAM` as value). */
export const SAM_FUNCTION_TAG = "lambda:createdBy";
/** The tag SAM gives every state machine it makes (`SAM` as value). */
export const SAM_STATE_MACHINE_TAG = "stateMachine:createdBy";
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

/** An API Gateway stage (see `api.ts` for the shapes a template declares one in). */
export interface ApiStageModel extends ResourceModel {
  /** A Stage resource, a REST Deployment with a StageName, a SAM API before SAM, or the API SAM creates for events. */
  shape: "stage" | "deployment" | "sam" | "implicit";
  protocol: "rest" | "http" | "websocket" | "unknown";
  /** The API: a resource of the template (by `Ref`) or a literal id. */
  api?: { logicalId: string } | { id: string };
  /** The stage's name as written (a literal, or an intrinsic function). */
  stageName?: unknown;
  /** `DestinationArn` of its access log setting, as written. */
  accessLogDestination?: unknown;
  /** Whether API Gateway writes execution logs for it; a string says why that cannot be told. */
  executionLogging: boolean | string;
  /** `TracingEnabled` as the user set it (REST stages and SAM APIs; SAM's Globals.Api included). */
  tracingEnabled?: unknown;
}

/** An AppSync GraphQL API, as CloudFormation or (before SAM's transform, which keeps its logical id) SAM writes it. */
export interface AppSyncApiModel extends ResourceModel {
  kind: "cfn" | "sam";
  /** Whether AppSync writes its logs to CloudWatch Logs; a string says why that cannot be told. */
  logging: boolean | string;
  /** `XrayEnabled` as the user set it. */
  xrayEnabled?: unknown;
}

export interface TemplateModel {
  resources: JsonObject;
  functions: FunctionModel[];
  stateMachines: StateMachineModel[];
  apiStages: ApiStageModel[];
  appSyncApis: AppSyncApiModel[];
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
