/**
 * A log group ARN as the template writes it (a template string: `${AWS::Region}` and other variables may
 * remain), read once for every kind that logs to a group: where it is, and the group's name.
 */

/** Where the stack deploys: a group elsewhere cannot be subscribed from it. */
export interface StackPlace {
  region: string;
  accountId?: string;
}

/**
 * The group's name (variables may remain in it), or why the ARN is not a log group this stack can
 * subscribe (`elsewhere`, a reason for a message), or undefined when it cannot be read at all.
 */
export type LogGroupArn = { name: string } | { elsewhere: string } | undefined;

/** `arn:<partition>:<service>:<region>:<account>:<resource>` */
const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/;
const LOG_GROUP_RESOURCE = /^log-group:([^:]+)(?::\*)?$/;
const PLACEHOLDER_COLON = "\u0000";

export function readLogGroupArn(text: string, place: StackPlace): LogGroupArn {
  // `${AWS::StackName}` and the like stay in the text: their colons are not the ARN's separators.
  const masked = text.replace(/\$\{[^}]*\}/g, (variable) => variable.replace(/:/g, PLACEHOLDER_COLON));
  const arn = ARN.exec(masked);
  if (arn === null) return undefined;
  const [, , service, region, account, resource] = arn;
  if (service !== "logs") return { elsewhere: service === "firehose" ? "is a Kinesis Data Firehose stream" : `is not a CloudWatch Logs group (${service.slice(0, 40)})` };
  if (!region.includes("${") && region !== place.region) return { elsewhere: `is a log group of region ${region.slice(0, 40)}, and the stack deploys to ${place.region}` };
  if (place.accountId !== undefined && !account.includes("${") && account !== place.accountId) return { elsewhere: "is a log group of another account" };
  const group = LOG_GROUP_RESOURCE.exec(resource);
  return group === null ? undefined : { name: group[1].split(PLACEHOLDER_COLON).join(":") };
}
