/**
 * AppSync GraphQL APIs: whether AppSync logs them to CloudWatch Logs, and their X-Ray setting as written.
 * CloudFormation's `LogConfig` turns logging on; SAM's `Logging` turns it on unless it is `false` (SAM
 * writes a `LogConfig` when `Logging` is absent, `true` or a map).
 */
import { isIntrinsic, isObject, own, type JsonObject } from "../intrinsics";
import { APPSYNC_GRAPHQL_API, type AppSyncApiModel } from "./model";

type Base = Pick<AppSyncApiModel, "logicalId" | "resource" | "properties" | "condition" | "uneditable">;

export function readAppSyncApi(base: Base, type: string): AppSyncApiModel {
  const kind = type === APPSYNC_GRAPHQL_API ? "cfn" : "sam";
  const properties: JsonObject = base.properties;
  return { ...base, kind, logging: kind === "cfn" ? cfnLogging(own(properties, "LogConfig")) : samLogging(own(properties, "Logging")), xrayEnabled: own(properties, "XrayEnabled") };
}

function cfnLogging(logConfig: unknown): boolean | string {
  if (logConfig === undefined) return false;
  if (isIntrinsic(logConfig)) return "its LogConfig is an intrinsic function";
  return isObject(logConfig) ? true : "its LogConfig is not a map";
}

function samLogging(logging: unknown): boolean | string {
  if (logging === undefined || logging === true || logging === false) return logging !== false;
  if (isIntrinsic(logging)) return "its Logging is an intrinsic function";
  return isObject(logging) ? true : "its Logging is neither a map nor a boolean";
}
