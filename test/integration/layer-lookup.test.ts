/**
 * The real layer-version check through the handler and the real SDK (@aws-sdk/client-lambda), with an
 * API that cannot be reached: a warning (W223), never a failure.
 * Not against moto_server: moto 5.2 answers GetLayerVersionByArn (`GET /layers?find=LayerVersion`) as
 * ListLayers, 200 with `{"Layers": []}` for any ARN, so it can tell neither found nor missing; the unit
 * tests (test/unit/layer-checks.test.ts) answer the SDK's requests instead.
 */
import { respond } from "../../src/index";
import { offlineAccountView } from "../../src/lookup/account-view";
import { lambdaLayerView } from "../../src/lookup/lambda-layers";
import { useTestCredentials } from "../helpers/moto";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const MIRROR = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:Python312-mirror:1`;

test("a layer API that cannot be reached warns (W223) and the transform succeeds", async () => {
  useTestCredentials();
  const operations: string[] = [];
  const warnings: string[] = [];
  const response = await respond(
    {
      requestId: "layer-lookup",
      region: REGION,
      accountId: ACCOUNT,
      params: { pythonLayerArn: MIRROR },
      templateParameterValues: {},
      fragment: { Resources: { F: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", Role: `arn:aws:iam::${ACCOUNT}:role/r`, Code: { ZipFile: "x" } } } } },
    },
    {},
    { log: (level, message) => void (level === "warn" && warnings.push(message)) },
    (region) => ({ ...offlineAccountView(), ...lambdaLayerView({ region, endpoint: "http://127.0.0.1:9", onCall: (operation) => operations.push(operation) }) }),
  );
  expect(response.status).toBe("success");
  expect((response.fragment as any).Resources.F.Properties.Layers).toEqual([MIRROR]);
  expect(operations).toEqual(["GetLayerVersionByArn"]);
  expect(warnings).toEqual([expect.stringMatching(/^\[W223\] Could not check that arn:aws:lambda:.*:Python312-mirror:1 \(from `pythonLayerArn`\) exists \(.*ECONNREFUSED/)]);
});
