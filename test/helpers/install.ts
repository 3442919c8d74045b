/** Shared by the install script suites: running a script, and the one-command install's account checks. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@jest/globals";
import { firstReason, missingCommand, skipUnless } from "./corpus";
import { MOTO_MISSING, startMoto } from "./moto";

export const ROOT = join(__dirname, "../..");
export const BUILT = existsSync(join(ROOT, "dist/macro.zip")) && existsSync(join(ROOT, "dist/cli.js")) ? undefined : "dist/ is not built (npm test builds it first)";

export function script(name: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("bash", [join(ROOT, "scripts", name), ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

export const withMoto = (what: string) => skipUnless(firstReason(BUILT, MOTO_MISSING, missingCommand("aws", ["--version"])), what);

/**
 * An account on its own moto_server that, like AWS, denies one account's calls on another account's
 * bucket (moto's default lets any account use any bucket, which would hide a squatted name).
 */
export async function oneCommandAccount() {
  const moto = await startMoto({ MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS: "false" });
  const env: Record<string, string> = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1", AWS_CLI: "aws" };
  const awsAs = (extra: Record<string, string>, ...args: string[]) => {
    const result = spawnSync("aws", args, { encoding: "utf8", env: { ...process.env, ...env, ...extra } });
    if (result.status !== 0) throw new Error(`aws ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const aws = (...args: string[]) => awsAs({}, ...args);
  const json = (...args: string[]) => JSON.parse(aws(...args, "--output", "json"));
  const account: string = json("sts", "get-caller-identity").Account;
  const bucketOf = (region: string) => `datadog-serverless-macro-artifacts-${account}-${region}`;
  const ourBuckets = () => (json("s3api", "list-buckets").Buckets as { Name: string }[]).map((b) => b.Name).filter((name) => name.startsWith("datadog-serverless-macro-artifacts-")).sort();

  function expectArtifactBucket(region: string) {
    const bucket = bucketOf(region);
    const where = ["--bucket", bucket, "--region", region];
    expect(json("s3api", "get-bucket-location", ...where).LocationConstraint ?? "us-east-1").toBe(region);
    expect(json("s3api", "get-public-access-block", ...where).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect(json("s3api", "get-bucket-encryption", ...where).ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: "AES256" });
    expect(json("s3api", "get-bucket-versioning", ...where).Status).toBe("Enabled");
    expect(json("s3api", "get-bucket-ownership-controls", ...where).OwnershipControls.Rules).toEqual([{ ObjectOwnership: "BucketOwnerEnforced" }]);
  }

  function expectStackFrom(stack: string, region: string) {
    const described = json("cloudformation", "describe-stacks", "--stack-name", stack, "--region", region).Stacks[0];
    expect(described.StackStatus).toMatch(/^(CREATE|UPDATE)_COMPLETE$/);
    const parameters = Object.fromEntries(described.Parameters.map((p: any) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters.CodeBucket).toBe(bucketOf(region));
    expect(json("s3api", "head-object", "--bucket", bucketOf(region), "--key", parameters.CodeKey, "--region", region).ContentLength).toBeGreaterThan(0);
  }

  return { moto, env, account, aws, awsAs, bucketOf, ourBuckets, expectArtifactBucket, expectStackFrom };
}
