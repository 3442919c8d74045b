/** Where Datadog publishes its Lambda layers, per AWS partition. */
export type Partition = "aws" | "aws-us-gov" | "aws-cn";

export const DATADOG_LAYER_ACCOUNTS: Record<Partition, string> = {
  aws: "464622532012",
  "aws-us-gov": "002406178527",
  // Datadog publishes no layers in China; the commercial account is the best guess and we warn.
  "aws-cn": "464622532012",
};

export function partitionOf(region: string): Partition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

export function layerArn(partition: Partition, region: string, account: string, name: string, version: number): string {
  return `arn:${partition}:lambda:${region}:${account}:layer:${name}:${version}`;
}

/** Splits a layer version ARN into its name and version; undefined for anything else. */
export function parseLayerArn(arn: string): { name: string; version: string } | undefined {
  const match = /^arn:[\w-]+:lambda:[\w-]+:\d+:layer:([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
  return match ? { name: match[1], version: match[2] } : undefined;
}
