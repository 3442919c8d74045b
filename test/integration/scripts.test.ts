/**
 * The install scripts: --help, input checks, --dry-run, and real runs against moto_server on 127.0.0.1
 * through AWS_ENDPOINT_URL (S3 upload, stack create and update to completion, StackSet create/update).
 * The one-command install's own artifact buckets: install-one-command and install-bucket-ownership.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { version } from "../../package.json";
import { parseTemplate } from "../../src/yaml/cfn-yaml";
import { BUILT, script, withMoto as needsMoto } from "../helpers/install";
import { startMoto, type Moto } from "../helpers/moto";

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

const withMoto = needsMoto("install scripts against moto_server");
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
