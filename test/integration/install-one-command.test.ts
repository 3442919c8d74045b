/**
 * The one-command install: `scripts/install.sh --regions A,B` with no bucket creates, then reuses, a private,
 * encrypted, versioned artifact bucket per account and region, uploads, deploys.
 * A suite of its own (its own moto_server), so jest runs it beside the other install suites.
 */
import { oneCommandAccount, script, withMoto } from "../helpers/install";

withMoto("one-command install (no bucket given) against moto_server").describe("one-command install (no bucket given) against moto_server", () => {
  let account: Awaited<ReturnType<typeof oneCommandAccount>>;
  beforeAll(async () => {
    account = await oneCommandAccount();
  }, 60_000);
  afterAll(() => account?.moto.stop());

  test("creates a private, encrypted, versioned bucket per region, uploads, deploys; a second run reuses them", () => {
    const args = ["--regions", "us-east-1,eu-west-1", "--stack-name", "macro-1c"];
    const { env, bucketOf, ourBuckets, expectArtifactBucket, expectStackFrom } = account;
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
});
