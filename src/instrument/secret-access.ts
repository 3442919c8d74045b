/** Lets each function read the API key from Secrets Manager or SSM. */
import type { Json } from "../intrinsics";
import type { FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";
import { grantToFunction } from "./permissions";

/**
 * A partial secret ARN (without the 6-character suffix Secrets Manager appends) only matches the
 * real ARN with the `-??????` wildcard; a full ARN cannot be told apart reliably, so both forms are granted.
 */
export function secretResources(arn: string): Json {
  return [arn, `${arn}-??????`];
}

export function applySecretAccess(fn: FunctionModel, ctx: InstrumentContext): void {
  const { config } = ctx;
  if (!config.grantSecretAccess) return;
  if (config.apiKeySecretArn !== undefined) {
    grantToFunction(fn, ctx, {
      Sid: "DatadogApiKeySecret",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: secretResources(config.apiKeySecretArn),
    });
  }
  if (config.apiKeySsmArn !== undefined) {
    grantToFunction(fn, ctx, {
      Sid: "DatadogApiKeySsm",
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: config.apiKeySsmArn,
    });
  }
}
