/**
 * The real CloudWatch Logs lookups against moto_server on 127.0.0.1: groups that exist, do not exist,
 * already carry our filter or forward elsewhere; and the account is exactly as it was afterwards.
 */
import { FILTER_NAME, filterNameFor } from "../../src/forwarder/subscriptions";
import { respond } from "../../src/index";
import { offlineLayerView } from "../../src/lookup/account-view";
import { cloudWatchAccountView } from "../../src/lookup/cloudwatch";
import { skipUnless } from "../helpers/corpus";
import { MOTO_MISSING, logGroupsSnapshot, startMoto, useTestCredentials, type Moto } from "../helpers/moto";

const { describe: describeMoto } = skipUnless(MOTO_MISSING, "moto_server integration tests");
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const FORWARDER = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/datadog-forwarder`;
const ELSEWHERE = [1, 2].map((n) => `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/other${n}`);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/logs`;

const fn = (name?: string) => ({
  Type: "AWS::Lambda::Function",
  Properties: { Runtime: "python3.12", Handler: "a.b", Role: ROLE, Code: { ZipFile: "x" }, ...(name ? { FunctionName: name } : {}) },
});

describeMoto("CloudWatch Logs lookups against moto_server", () => {
  let moto: Moto;
  const logs = (target: string, body: unknown) => moto.call(`Logs_20140328.${target}`, body);
  const group = (name: string) => logs("CreateLogGroup", { logGroupName: name });
  const filter = (group: string, filterName: string, destinationArn: string) =>
    logs("PutSubscriptionFilter", { logGroupName: group, filterName, filterPattern: "", destinationArn, roleArn: ROLE });

  const snapshot = () => logGroupsSnapshot(moto);

  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
    await moto.call("Kinesis_20131202.CreateStream", { StreamName: "datadog-forwarder", ShardCount: 1 });
    for (const n of [1, 2]) {
      await moto.call("Firehose_20150804.CreateDeliveryStream", {
        DeliveryStreamName: `other${n}`,
        S3DestinationConfiguration: { RoleARN: ROLE, BucketARN: "arn:aws:s3:::logs" },
      });
    }
    for (const name of ["exists", "ours", "elsewhere", "reference"]) await group(`/aws/lambda/shop-${name}`);
    await group("/aws/lambda/shop-Unnamed-AbCdEfGh1234");
    await filter("/aws/lambda/shop-ours", FILTER_NAME, FORWARDER);
    await filter("/aws/lambda/shop-elsewhere", "a", ELSEWHERE[0]);
    await filter("/aws/lambda/shop-elsewhere", "b", ELSEWHERE[1]);
    await filter("/aws/lambda/shop-reference", "datadog-serverless-macro-filter", FORWARDER);
  }, 60_000);

  afterAll(() => moto?.stop());

  test("decides per group from read-only lookups, and leaves the account unchanged", async () => {
    const before = await snapshot();
    const operations: string[] = [];
    const response = await respond(
      {
        requestId: "moto",
        region: REGION,
        accountId: ACCOUNT,
        params: { addLayers: false, forwarderArn: FORWARDER, stackName: "shop" },
        templateParameterValues: {},
        fragment: {
          Resources: {
            Exists: fn("shop-exists"),
            Missing: fn("shop-missing"),
            Ours: fn("shop-ours"),
            Elsewhere: fn("shop-elsewhere"),
            Reference: fn("shop-reference"),
            Unnamed: fn(),
          },
        },
      },
      {},
      { log() {} },
      (region) => ({ ...cloudWatchAccountView({ region, endpoint: moto.endpoint, onCall: (operation) => operations.push(operation) }), ...offlineLayerView() }),
    );
    expect(response.errorMessage).toBeUndefined();
    const out = (response.fragment as any).Resources;
    const subscribed = (id: string) => out[`${id}DatadogSubscription`]?.Properties;

    expect(subscribed("Exists")).toMatchObject({ LogGroupName: "/aws/lambda/shop-exists", FilterName: filterNameFor("Exists"), DestinationArn: FORWARDER });
    expect(out.ExistsLogGroup).toBeUndefined();
    expect(subscribed("Missing")).toMatchObject({ LogGroupName: { Ref: "MissingLogGroup" } });
    expect(out.MissingLogGroup).toMatchObject({ DeletionPolicy: "Retain", Properties: { LogGroupName: "/aws/lambda/shop-missing" } });
    expect(subscribed("Ours")).toMatchObject({ LogGroupName: "/aws/lambda/shop-ours", FilterName: FILTER_NAME });
    expect(subscribed("Elsewhere")).toBeUndefined();
    expect(subscribed("Reference")).toBeUndefined();
    expect(subscribed("Unnamed")).toMatchObject({ LogGroupName: { "Fn::Sub": "/aws/lambda/${Unnamed}" } });
    expect(out.UnnamedLogGroup).toBeUndefined();

    // Read-only, and batched: one listing for the shared prefix, filters only for groups that exist.
    expect(new Set(operations)).toEqual(new Set(["DescribeLogGroups", "DescribeSubscriptionFilters"]));
    expect(operations.filter((op) => op === "DescribeLogGroups").length).toBeLessThanOrEqual(2);
    expect(operations.filter((op) => op === "DescribeSubscriptionFilters")).toHaveLength(5);
    expect(await snapshot()).toEqual(before);
  });

  test("fails with a message naming the permissions when the API cannot be reached", async () => {
    const response = await respond(
      { requestId: "down", region: REGION, accountId: ACCOUNT, params: { addLayers: false, forwarderArn: FORWARDER }, fragment: { Resources: { F: fn("f") } } },
      {},
      { log() {} },
      (region) => ({ ...cloudWatchAccountView({ region, endpoint: "http://127.0.0.1:9" }), ...offlineLayerView() }),
    );
    expect(response.status).toBe("failure");
    expect(response.errorMessage).toMatch(/`logs:DescribeLogGroups`, `logs:DescribeSubscriptionFilters`/);
  });
});
