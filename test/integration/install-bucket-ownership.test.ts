/**
 * The one-command install refuses an artifact bucket name another account owns, and completes the settings
 * of one of ours made by hand.
 * A suite of its own (its own moto_server), so jest runs it beside the other install suites.
 */
import { oneCommandAccount, script, withMoto } from "../helpers/install";

withMoto("one-command install and bucket ownership against moto_server").describe("one-command install and bucket ownership against moto_server", () => {
  let account: Awaited<ReturnType<typeof oneCommandAccount>>;
  beforeAll(async () => {
    account = await oneCommandAccount();
  }, 60_000);
  afterAll(() => account?.moto.stop());

  test("refuses a bucket name another account owns; completes the settings of one of ours made by hand", () => {
    const { env, account: id, aws, awsAs, bucketOf, expectArtifactBucket, expectStackFrom } = account;
    const [keyId, secret, token] = aws("sts", "assume-role", "--role-arn", "arn:aws:iam::111111111111:role/squatter", "--role-session-name", "squatter", "--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]", "--output", "text").trim().split(/\s+/);
    const squatter = { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token };
    expect(JSON.parse(awsAs(squatter, "sts", "get-caller-identity")).Account).toBe("111111111111");
    const taken = bucketOf("ap-southeast-2");
    awsAs(squatter, "s3api", "create-bucket", "--bucket", taken, "--region", "ap-southeast-2", "--create-bucket-configuration", "LocationConstraint=ap-southeast-2");
    aws("s3api", "create-bucket", "--bucket", bucketOf("us-west-2"), "--region", "us-west-2", "--create-bucket-configuration", "LocationConstraint=us-west-2");

    const run = script("install.sh", ["--regions", "ap-southeast-2,us-west-2", "--stack-name", "macro-sq"], env);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`error: ap-southeast-2: bucket ${taken} exists but is not owned by account ${id} (or you may not s3:ListBucket it): it cannot hold the macro's code; give your own bucket with --bucket or --bucket-prefix\n`);
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
