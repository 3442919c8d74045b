/** One message for CloudFormation (and the CLI) that lists every problem found. */
export function formatErrors(errors: string[]): string {
  if (errors.length === 1) return `DatadogServerless macro: ${errors[0]}`;
  return `DatadogServerless macro found ${errors.length} problems:\n${errors.map((error, i) => `${i + 1}. ${error}`).join("\n")}`;
}
