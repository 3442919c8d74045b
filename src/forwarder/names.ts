/** Physical names CloudFormation gives functions without a FunctionName, and how to recognise their log groups. */

export const LAMBDA_LOG_PREFIX = "/aws/lambda/";
const MAX_FUNCTION_NAME = 64;
/** CloudFormation appends "-" and a random suffix of 12 or 13 letters and digits. */
const SUFFIX = /^(.+)-([A-Za-z0-9]{12,13})$/;

/**
 * The prefix to list for a generated name. When the name may be truncated (stack name and logical id
 * too long for 64 characters) only the start of the stack name is certain.
 */
export function generatedNamePrefix(stackName: string, logicalId: string): string {
  const fits = stackName.length + logicalId.length + 2 + 13 <= MAX_FUNCTION_NAME;
  return `${LAMBDA_LOG_PREFIX}${fits ? `${stackName}-${logicalId}-` : stackName.slice(0, 10)}`;
}

/** True when `logGroupName` is the log group of a function CloudFormation named for (stack, logical id). */
export function matchesGeneratedName(logGroupName: string, stackName: string, logicalId: string): boolean {
  if (!logGroupName.startsWith(LAMBDA_LOG_PREFIX)) return false;
  const match = SUFFIX.exec(logGroupName.slice(LAMBDA_LOG_PREFIX.length));
  if (!match) return false;
  const middle = match[1];
  if (middle === `${stackName}-${logicalId}`) return true;
  // Truncated: some split "<start of stack name>-<start of logical id>", and only when the whole would not fit.
  if (stackName.length + logicalId.length + 2 + match[2].length <= MAX_FUNCTION_NAME) return false;
  for (let at = middle.indexOf("-"); at > 0; at = middle.indexOf("-", at + 1)) {
    const stackPart = middle.slice(0, at);
    const idPart = middle.slice(at + 1);
    if (idPart.length > 0 && stackName.startsWith(stackPart) && logicalId.startsWith(idPart)) return true;
  }
  return false;
}
