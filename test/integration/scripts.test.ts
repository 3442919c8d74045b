/**
 * The install scripts: --help, input checks, --dry-run, and real runs against moto_server on 127.0.0.1
 * through AWS_ENDPOINT_URL (S3 upload, stack create and update to completion, StackSet create/update,
 * the one-command install's own artifact buckets).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { version } from "../../package.json";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { firstReason, missingCommand, skipUnless } from "../helpers/corpus";
import { MOTO_MISSING, startMoto, type Moto } from "../helpers/moto";

const ROOT = join(__dirname, "../..");
const BUILT = existsSync(join(ROOT, "dist/macro.zip")) && existsSync(join(ROOT, "dist/cli.js")) ? undefined : "dist/ is not built (npm test builds it first)";

function script(name: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("bash", [join(ROOT, "scripts", name), ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const NO_AWS = { AWS_CLI: "/nonexistent/aws" };

describe("install scripts without AWS", () => {
  test.each(["package.sh", "install.sh", "stackset.sh"])("%s --help explains itself", (name) => {
    const { code, out } = script(name, ["--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: scripts\//);
    expect(out).toMatch(/--dry-run/);
  });

  test.each([
    ["package.sh", [], /BUCKET is required/],
    ["package.sh", ["Not_A_Bucket"], /not an S3 bucket name/],
    ["install.sh", ["--regions", "mars-1"], /not an AWS region/],
    ["install.sh", ["--bucket", "b", "--bucket-prefix", "p"], /not both/],
    ["install.sh", ["--bucket", "bucket", "--regions", "us-east-1,eu-west-1"], /--bucket serves one region/],
    ["install.sh", ["--bucket", "bucket", "--regions", "mars-1"], /not an AWS region/],
    ["install.sh", ["--bucket", "bucket", "--parameter", "oops"], /KEY=VALUE/],
    ["stackset.sh", ["--bucket-prefix", "p", "--regions", "us-east-1"], /--ous is required/],
    ["stackset.sh", ["--bucket-prefix", "p", "--regions", "us-east-1", "--ous", "sales"], /not an organisational unit/],
  ] as const)("%s %j fails early with a clear message", (name, args, message) => {
    const { code, err } = script(name, [...args]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  (BUILT ? test.skip : test)("say so when the aws CLI is missing", () => {
    const { code, err } = script("install.sh", ["--bucket", "artifacts", "--regions", "us-east-1"], NO_AWS);
    expect(code).toBe(2);
    expect(err).toMatch(/aws CLI is needed/);
  });

  (BUILT ? test.skip : test)("--dry-run prints the AWS calls and makes none", () => {
    const install = script("install.sh", ["--bucket-prefix", "acme", "--regions", "us-east-1,eu-west-1", "--parameter", "DefaultSite=datadoghq.eu", "--dry-run"], NO_AWS);
    expect(install.code).toBe(0);
    expect(install.out).toMatch(/would run: aws s3 cp \S+dist\/macro.zip s3:\/\/acme-eu-west-1\/datadog-serverless-macro\//);
    expect(install.out).toMatch(/would run: aws cloudformation create-stack --stack-name datadog-serverless-macro .*--capabilities CAPABILITY_AUTO_EXPAND CAPABILITY_IAM --region us-east-1/);
    const stackset = script("stackset.sh", ["--bucket-prefix", "acme", "--regions", "us-east-1", "--ous", "ou-ab12-cd34ef56", "--accounts", "123456789012", "--dry-run"], NO_AWS);
    expect(stackset.code).toBe(0);
    expect(stackset.out).toMatch(/create-stack-set .*--permission-model SERVICE_MANAGED/);
    expect(stackset.out).toMatch(/create-stack-instances .*OrganizationalUnitIds=ou-ab12-cd34ef56,Accounts=123456789012,AccountFilterType=INTERSECTION/);
  });

  (BUILT ? test.skip : test)("--dry-run without a bucket prints the artifact bucket's creation too", () => {
    const { code, out, err } = script("install.sh", ["--regions", "us-east-1,eu-west-1", "--dry-run"], NO_AWS);
    expect(err).toBe("");
    expect(code).toBe(0);
    const bucket = (region: string) => `'datadog-serverless-macro-artifacts-<account-id>-${region}'`;
    const owner = "--expected-bucket-owner '<account-id>'";
    expect(out).toMatch(/^would run: aws sts get-caller-identity --query Account --output text --region us-east-1$/m);
    expect(out).toContain(`would run: aws s3api head-bucket --bucket ${bucket("us-east-1")} ${owner} --region us-east-1\n`);
    expect(out).toContain(`would run: aws s3api create-bucket --bucket ${bucket("us-east-1")} --region us-east-1\n`);
    expect(out).toContain(`would run: aws s3api create-bucket --bucket ${bucket("eu-west-1")} --region eu-west-1 --create-bucket-configuration LocationConstraint=eu-west-1\n`);
    const where = `--bucket ${bucket("eu-west-1")} --region eu-west-1 ${owner}`;
    expect(out).toContain(`would run: aws s3api put-public-access-block ${where} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n`);
    expect(out).toContain(`would run: aws s3api put-bucket-encryption ${where} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'\n`);
    expect(out).toContain(`would run: aws s3api put-bucket-versioning ${where} --versioning-configuration Status=Enabled\n`);
    expect(out).toContain(`would run: aws s3api put-bucket-ownership-controls ${where} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'\n`);
    expect(out).toMatch(/would run: aws s3 cp \S+dist\/macro.zip 's3:\/\/datadog-serverless-macro-artifacts-<account-id>-eu-west-1\/datadog-serverless-macro\//);
    expect(out).toMatch(/would run: aws cloudformation create-stack --stack-name datadog-serverless-macro .*--region eu-west-1/);
  });
});
if (BUILT) process.stderr.write(`SKIPPED script runs that need the artifact: ${BUILT}\n`);

const withMoto = skipUnless(firstReason(BUILT, MOTO_MISSING, missingCommand("aws", ["--version"])), "install scripts against moto_server");
withMoto.describe("install scripts against moto_server", () => {
  let moto: Moto;
  let env: Record<string, string>;
  const aws = (...args: string[]) => {
    const result = spawnSync("aws", args, { encoding: "utf8", env: { ...process.env, ...env } });
    if (result.status !== 0) throw new Error(`aws ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    moto = await startMoto();
    env = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1", AWS_CLI: "aws" };
    aws("s3", "mb", "s3://acme-us-east-1");
    aws("s3", "mb", "s3://acme-eu-west-1", "--region", "eu-west-1");
  }, 60_000);
  afterAll(() => moto?.stop());

  test("package.sh uploads the zip and writes a template that installs from it", () => {
    const output = join(mkdtempSync(join(tmpdir(), "ddsm-pkg-")), "packaged.yml");
    const { code, out } = script("package.sh", ["acme-us-east-1", "team", "--output", output], env);
    expect(code).toBe(0);
    const key = /s3:\/\/acme-us-east-1\/(\S+\.zip)/.exec(out)![1];
    expect(key).toMatch(new RegExp(`^team/datadog-serverless-macro/${version.replace(/\./g, "\\.")}/macro-[0-9a-f]{12}\\.zip$`));
    expect(aws("s3api", "head-object", "--bucket", "acme-us-east-1", "--key", key)).toMatch(/ContentLength/);
    const packaged = parseTemplate(readFileSync(output, "utf8")) as any;
    expect(packaged.Parameters.CodeBucket.Default).toBe("acme-us-east-1");
    expect(packaged.Parameters.CodeKey.Default).toBe(key);
  });

  test("install.sh creates the stack to completion, then updates it", () => {
    const first = script("install.sh", ["--bucket-prefix", "acme", "--regions", "us-east-1", "--stack-name", "macro-it", "--parameter", "DefaultSite=datadoghq.eu"], env);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/us-east-1: macro-it created; macro v\S+ is ready \(CREATE_COMPLETE\)/);
    const stack = JSON.parse(aws("cloudformation", "describe-stacks", "--stack-name", "macro-it")).Stacks[0];
    expect(Object.fromEntries(stack.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]))).toMatchObject({ MacroName: "DatadogServerless", MacroVersion: version });
    const functions = JSON.parse(aws("lambda", "list-functions")).Functions;
    const macroFunction = functions.find((f: any) => f.FunctionName.startsWith("macro-it-MacroFunction"));
    expect(macroFunction).toMatchObject({ Handler: "index.handler", Environment: { Variables: { DD_SITE: "datadoghq.eu", LOG_LEVEL: "info" } } });

    const second = script("install.sh", ["--bucket-prefix", "acme", "--regions", "us-east-1", "--stack-name", "macro-it"], env);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/us-east-1: macro-it (updated|is already up to date)/);
  }, 120_000);

  test("stackset.sh creates the StackSet and its instances, then updates it", () => {
    const args = ["--bucket-prefix", "acme", "--regions", "us-east-1,eu-west-1", "--ous", "ou-ab12-cd34ef56", "--stack-set-name", "macro-set"];
    const first = script("stackset.sh", args, env);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/StackSet macro-set created/);
    const set = JSON.parse(aws("cloudformation", "describe-stack-set", "--stack-set-name", "macro-set")).StackSet;
    expect(set).toMatchObject({ PermissionModel: "SERVICE_MANAGED" });
    expect(set.TemplateBody).toMatch(/CodeBucketIsRegional:[\s\S]*Default: "true"/);
    const second = script("stackset.sh", args, env);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/StackSet macro-set updated/);
  }, 120_000);
});

withMoto.describe("one-command install (no bucket given) against moto_server", () => {
  let moto: { endpoint: string; stop(): void };
  let env: Record<string, string>;
  let account: string;
  const awsAs = (extra: Record<string, string>, ...args: string[]) => {
    const result = spawnSync("aws", args, { encoding: "utf8", env: { ...process.env, ...env, ...extra } });
    if (result.status !== 0) throw new Error(`aws ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const aws = (...args: string[]) => awsAs({}, ...args);
  const json = (...args: string[]) => JSON.parse(aws(...args, "--output", "json"));
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

  beforeAll(async () => {
    moto = await startMoto({ MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS: "false" });
    env = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1", AWS_CLI: "aws" };
    account = json("sts", "get-caller-identity").Account;
  }, 60_000);
  afterAll(() => moto?.stop());

  test("creates a private, encrypted, versioned bucket per region, uploads, deploys; a second run reuses them", () => {
    const args = ["--regions", "us-east-1,eu-west-1", "--stack-name", "macro-1c"];
    const first = script("install.sh", args, env);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    for (const region of ["us-east-1", "eu-west-1"]) {
      expect(first.out).toContain(`${region}: created bucket s3://${bucketOf(region)} (private, encrypted, versioned)\n`);
      expect(first.out).toMatch(new RegExp(`${region}: macro-1c created; macro v\\S+ is ready \\(CREATE_COMPLETE\\)`));
      expectArtifactBucket(region);
      expectStackFrom("macro-1c", region);
    }
    expect(ourBuckets()).toEqual([bucketOf("eu-west-1"), bucketOf("us-east-1")]);

    const second = script("install.sh", args, env);
    expect(second.err).toBe("");
    expect(second.code).toBe(0);
    for (const region of ["us-east-1", "eu-west-1"]) {
      expect(second.out).toContain(`${region}: reusing bucket s3://${bucketOf(region)}\n`);
      expect(second.out).toMatch(new RegExp(`${region}: macro-1c (updated|is already up to date)`));
      expectStackFrom("macro-1c", region);
    }
    expect(second.out).not.toMatch(/created bucket/);
    expect(ourBuckets()).toEqual([bucketOf("eu-west-1"), bucketOf("us-east-1")]);
  }, 240_000);

  test("refuses a bucket name another account owns; completes the settings of one of ours made by hand", () => {
    const [keyId, secret, token] = aws("sts", "assume-role", "--role-arn", "arn:aws:iam::111111111111:role/squatter", "--role-session-name", "squatter", "--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]", "--output", "text").trim().split(/\s+/);
    const squatter = { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token };
    expect(JSON.parse(awsAs(squatter, "sts", "get-caller-identity")).Account).toBe("111111111111");
    const taken = bucketOf("ap-southeast-2");
    awsAs(squatter, "s3api", "create-bucket", "--bucket", taken, "--region", "ap-southeast-2", "--create-bucket-configuration", "LocationConstraint=ap-southeast-2");
    aws("s3api", "create-bucket", "--bucket", bucketOf("us-west-2"), "--region", "us-west-2", "--create-bucket-configuration", "LocationConstraint=us-west-2");

    const run = script("install.sh", ["--regions", "ap-southeast-2,us-west-2", "--stack-name", "macro-sq"], env);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error: ap-southeast-2: bucket ${taken} exists but is not owned by account ${account} (or you may not s3:ListBucket it): it cannot hold the macro's code; give your own bucket with --bucket or --bucket-prefix\n`);
    expect(() => aws("cloudformation", "describe-stacks", "--stack-name", "macro-sq", "--region", "ap-southeast-2")).toThrow(/does not exist/);
    const squatted = JSON.parse(awsAs(squatter, "s3api", "list-objects-v2", "--bucket", taken, "--region", "ap-southeast-2", "--output", "json"));
    expect(squatted.KeyCount ?? squatted.Contents?.length ?? 0).toBe(0);
    expect(awsAs(squatter, "s3api", "get-bucket-versioning", "--bucket", taken, "--region", "ap-southeast-2", "--query", "Status", "--output", "text").trim()).toBe("None");

    expect(run.out).toContain(`us-west-2: reusing bucket s3://${bucketOf("us-west-2")}; set what it lacked: public-access-block bucket-encryption bucket-versioning bucket-ownership-controls\n`);
    expect(run.out).toMatch(/us-west-2: macro-sq created; macro v\S+ is ready \(CREATE_COMPLETE\)/);
    expectArtifactBucket("us-west-2");
    expectStackFrom("macro-sq", "us-west-2");
  }, 240_000);
});
