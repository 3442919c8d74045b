/** The statements that let functions read the API key from Secrets Manager or SSM. */
import type { Config, DeferredValue } from "../config/parameters";
import { sub, subLiteral, type Json } from "../intrinsics";
import type { Statement } from "./permissions";

/**
 * A partial secret ARN (without the 6-character suffix Secrets Manager appends) only matches the
 * real ARN with the `-??????` wildcard; a full ARN cannot be told apart reliably, so both forms are
 * granted. An ARN CloudFormation resolves at deploy time (an SSM parameter) gets the same, as `Fn::Sub`.
 */
export function secretResources(arn: string | DeferredValue): Json {
  return typeof arn === "string" ? [arn, `${arn}-??????`] : [arn, sub(`\${Arn}${subLiteral("-??????")}`, { Arn: arn })];
}

export function secretStatements(config: Config): Statement[] {
  if (!config.grantSecretAccess) return [];
  const statements: Statement[] = [];
  if (config.apiKeySecretArn !== undefined) {
    statements.push({ Sid: "DatadogApiKeySecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretResources(config.apiKeySecretArn) });
  }
  if (config.apiKeySsmArn !== undefined) {
    statements.push({ Sid: "DatadogApiKeySsm", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: config.apiKeySsmArn });
    // A SecureString is decrypted through SSM: allowed for whatever key SSM uses, and only through SSM.
    // (A customer-managed key's own policy must also let the function's role use it.)
    statements.push({
      Sid: "DatadogApiKeySsmDecrypt",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": sub("ssm.${AWS::Region}.amazonaws.com") } },
    });
  }
  return statements;
}
