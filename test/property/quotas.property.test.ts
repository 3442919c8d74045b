/**
 * Quotas over generated templates (issue 14): whenever the handler answers `success`, the output stays
 * within what CloudFormation, Lambda, Step Functions and IAM accept, measured here and not with the
 * macro's own counting code:
 * - every function's environment is at most 4,096 bytes (names plus values);
 * - every resource has at most 50 tags (CloudFormation's own `aws:` tags aside);
 * - every role's inline policies (its `Policies` and the AWS::IAM::Policy resources attached to it) total
 *   at most 10,240 characters without whitespace;
 * - the output is at most 1,048,576 bytes of JSON without whitespace.
 * The generators aim at the limits (big environments, many tags, large role policies, a long `tags`
 * parameter, templates close to 1 MB), and each test asserts that enough successes came close to its
 * limit, so that a property cannot hold only because nothing ever approached it.
 */
import fc from "fast-check";
import { respond } from "../../src/index";
import { offlineAccountView } from "../../src/lookup/account-view";

/** The limits, as AWS documents them. */
const ENVIRONMENT_BYTES = 4_096;
const TAGS_PER_RESOURCE = 50;
const ROLE_POLICY_CHARACTERS = 10_240;
const TEMPLATE_BYTES = 1_048_576;
/** A success counts as close to a limit at this share of it or more. */
const NEAR = 0.9;
/** Of the successes, at least this share must come close to the limit under test. */
const MIN_NEAR_SHARE = 0.1;
const RUNS = 150;

const REPLAY = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) } : {};
const silent = { log() {} };
const offline = () => offlineAccountView();
const ACCOUNT = "123456789012";
const FORWARDER = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:datadog-forwarder`;

type Resources = Record<string, any>;

// ---------------------------------------------------------------------------------------------------
// Measures.

const bytes = (text: string) => Buffer.byteLength(text, "utf8");
const withoutWhitespace = (value: unknown) => JSON.stringify(value).replace(/\s/g, "");

/** Names plus literal values (a value resolved at deploy time is not counted: the measure is a lower bound). */
function environmentBytes(resource: any): number {
  const variables = resource?.Properties?.Environment?.Variables;
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) return 0;
  return Object.entries(variables).reduce((sum, [name, value]) => sum + bytes(name) + (typeof value === "string" ? bytes(value) : 0), 0);
}

/** Tags as a list of {Key, Value} or as a map; keys starting with `aws:` are CloudFormation's and do not count. */
function tagCount(resource: any): number {
  const tags = resource?.Properties?.Tags;
  const keys = Array.isArray(tags) ? tags.map((tag) => tag?.Key) : typeof tags === "object" && tags !== null ? Object.keys(tags) : [];
  return keys.filter((key) => !(typeof key === "string" && key.startsWith("aws:"))).length;
}

const isRef = (value: unknown, id: string) => typeof value === "object" && value !== null && (value as any).Ref === id;

/** Every role's inline policy documents, its own and those of AWS::IAM::Policy resources naming it, in characters without whitespace. */
function rolePolicyCharacters(resources: Resources): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource?.Type !== "AWS::IAM::Role") continue;
    const own = Array.isArray(resource.Properties?.Policies) ? resource.Properties.Policies : [];
    const attached = Object.values(resources).filter((r: any) => r?.Type === "AWS::IAM::Policy" && Array.isArray(r.Properties?.Roles) && r.Properties.Roles.some((role: unknown) => isRef(role, id)));
    const documents = [...own, ...attached.map((r: any) => r.Properties)].map((policy: any) => policy?.PolicyDocument);
    sizes.set(id, documents.reduce((sum: number, document: unknown) => sum + (document === undefined ? 0 : withoutWhitespace(document).length), 0));
  }
  return sizes;
}

const templateBytes = (fragment: unknown) => bytes(JSON.stringify(fragment));

// ---------------------------------------------------------------------------------------------------
// Generators, aimed at the limits.

/**
 * A size drawn mostly between `from` (a share of `limit`, below it by more than what the macro adds) and
 * `limit`, sometimes just over it, sometimes small: once the checks fail what goes over, successes close
 * to the limit must remain.
 */
const nearLimit = (limit: number, from: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: Math.floor(limit * from), max: limit }) },
    { weight: 2, arbitrary: fc.integer({ min: limit + 1, max: Math.floor(limit * 1.05) }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.floor(limit / 4) }) },
  );

/** Variables of about `size` bytes, names and values together. */
function variablesOfSize(size: number): Record<string, string> {
  const variables: Record<string, string> = {};
  let left = size;
  for (let i = 0; left > 0; i++) {
    const name = `APP_SETTING_${i}`;
    const value = "v".repeat(Math.max(0, Math.min(500, left - name.length)));
    variables[name] = value;
    left -= name.length + value.length;
  }
  return variables;
}

const tagList = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ Key: `${prefix}${i}`, Value: `value-${i}` }));

/** A policy document of about `size` characters without whitespace. */
function policyOfSize(size: number, sid: string) {
  const empty = { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: ["s3:GetObject"], Resource: [] as string[] }] };
  const resources = empty.Statement[0].Resource;
  let left = size - withoutWhitespace(empty).length;
  for (let i = 0; left > 0; i++) {
    const arn = `arn:aws:s3:::bucket-${i}/${"k".repeat(Math.max(1, Math.min(200, left - 30)))}`;
    resources.push(arn);
    left -= arn.length + 3;
  }
  return empty;
}

/** A resource's own tags: often a few, often close to the limit (the macro adds its own to those). */
const ownTags = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 2, arbitrary: fc.integer({ min: 41, max: TAGS_PER_RESOURCE + 2 }) });

/** How much of the role's policy text is in a separate AWS::IAM::Policy attached to it. */
const attachedShare = fc.constantFrom(0, 0, 0.3, 0.5);

/** `tags` parameter: mostly a few short pairs, sometimes up to 60 pairs with values up to 200 characters long. */
const tagsParameter = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: 60 }) }),
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 200 }) }),
  )
  .map(([count, length]) => Array.from({ length: count }, (_, i) => `tag${i}:${"t".repeat(length)}`).join(","));

/** A few short `tags` pairs, for the tests about something else. */
const shortTagsParameter = fc.constantFrom("", "team:core", "team:core,cost:shop");

const params = (tags: fc.Arbitrary<string>) =>
  fc.record(
    {
      addLayers: fc.constant(false),
      forwarderArn: fc.constantFrom(FORWARDER, undefined),
      stepFunctionForwarderArn: fc.constantFrom(FORWARDER, undefined),
      stackName: fc.constant("shop"),
      extensionLayerVersion: fc.constantFrom(60, undefined),
      apiKeySecretArn: fc.constant(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:datadog-api-key`),
      enableXrayTracing: fc.boolean(),
      service: fc.string({ minLength: 1, maxLength: 100 }).map((s) => `svc-${s.replace(/[^a-z0-9-]/gi, "")}`),
      env: fc.constantFrom("prod", "staging"),
      version: fc.constantFrom("1.2.3", undefined),
      tags,
    },
    { requiredKeys: ["addLayers", "stackName", "apiKeySecretArn", "tags"] },
  );

/** A template size that brings it close to 1 MB, or none. */
const padding = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: Math.floor(TEMPLATE_BYTES * 0.97), max: TEMPLATE_BYTES }) },
);

/** The limit a test aims at: its dimension is drawn near the limit, the others well under theirs. */
type Focus = "environment" | "tags" | "policies" | "template";

function templates(focus: Focus) {
  const size = (dimension: Focus, limit: number, from: number) => (focus === dimension ? nearLimit(limit, from) : fc.integer({ min: 0, max: Math.floor(limit / 4) }));
  const tags = focus === "tags" ? ownTags : fc.integer({ min: 0, max: 10 });
  return fc.record({
    functions: fc.array(fc.record({ environment: size("environment", ENVIRONMENT_BYTES, 0.7), tags, named: fc.boolean() }), { minLength: 1, maxLength: 3 }),
    machines: fc.array(fc.record({ tags }), { maxLength: 2 }),
    role: fc.record({ policies: size("policies", ROLE_POLICY_CHARACTERS, 0.85), attachedShare }),
    padding: focus === "template" ? padding : fc.constant(0),
    // The `tags` parameter lengthens DD_TAGS and adds resource tags (with a forwarder).
    params: params(focus === "environment" || focus === "tags" ? tagsParameter : shortTagsParameter),
  });
}

type Generated = ReturnType<typeof templates> extends fc.Arbitrary<infer T> ? T : never;

function fragmentOf(g: Generated): { Resources: Resources } {
  const own = Math.round(g.role.policies * (1 - g.role.attachedShare));
  const resources: Resources = {
    Role: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "states.amazonaws.com"] }, Action: "sts:AssumeRole" }] },
        Policies: [{ PolicyName: "app", PolicyDocument: policyOfSize(own, "App") }],
      },
    },
  };
  if (g.role.attachedShare > 0) {
    resources.RolePolicy = { Type: "AWS::IAM::Policy", Properties: { PolicyName: "more", Roles: [{ Ref: "Role" }], PolicyDocument: policyOfSize(g.role.policies - own, "More") } };
  }
  g.functions.forEach((f, i) => {
    resources[`Fn${i}`] = {
      Type: "AWS::Lambda::Function",
      Properties: {
        Runtime: "python3.12",
        Handler: "app.handler",
        Role: { "Fn::GetAtt": ["Role", "Arn"] },
        Code: { ZipFile: "def handler(e, c): return e" },
        ...(f.named ? { FunctionName: `shop-fn-${i}` } : {}),
        ...(f.environment > 0 ? { Environment: { Variables: variablesOfSize(f.environment) } } : {}),
        ...(f.tags > 0 ? { Tags: tagList(f.tags, "team") } : {}),
      },
    };
  });
  g.machines.forEach((m, i) => {
    resources[`Machine${i}`] = {
      Type: "AWS::StepFunctions::StateMachine",
      Properties: {
        RoleArn: { "Fn::GetAtt": ["Role", "Arn"] },
        DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}',
        ...(m.tags > 0 ? { Tags: tagList(m.tags, "team") } : {}),
      },
    };
  });
  const fragment = { Resources: resources };
  if (g.padding > 0) {
    const pad = { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { Padding: "" } };
    resources.Padding = pad;
    pad.Metadata.Padding = "p".repeat(Math.max(0, g.padding - templateBytes(fragment)));
  }
  return fragment;
}

const event = (fragment: unknown, p: unknown) => ({
  requestId: "quotas",
  region: "us-east-1",
  accountId: ACCOUNT,
  fragment: JSON.parse(JSON.stringify(fragment)),
  params: JSON.parse(JSON.stringify(p)),
  templateParameterValues: {},
});

// ---------------------------------------------------------------------------------------------------

/**
 * Runs the property `largest` (the measure of the output, to stay at or under `limit`) over generated
 * templates, then checks that enough successes came close to the limit.
 */
async function checkQuota(focus: Focus, what: string, limit: number, largest: (output: { Resources: Resources }) => number): Promise<void> {
  let successes = 0;
  let near = 0;
  await fc.assert(
    fc.asyncProperty(templates(focus), async (g) => {
      const response = await respond(event(fragmentOf(g), g.params), {}, silent, offline);
      if (response.status !== "success") return;
      successes++;
      const measured = largest(response.fragment as { Resources: Resources });
      if (measured >= limit * NEAR) near++;
      expect(measured).toBeLessThanOrEqual(limit);
    }),
    { numRuns: RUNS, ...REPLAY },
  );
  process.stderr.write(`quotas ${what}: ${successes}/${RUNS} successes, ${near} within ${Math.round((1 - NEAR) * 100)}% of the limit (${limit})\n`);
  expect(successes).toBeGreaterThan(RUNS / 5);
  expect(near / successes).toBeGreaterThanOrEqual(MIN_NEAR_SHARE);
}

const maximum = (values: Iterable<number>) => Math.max(0, ...values);
const resourcesOf = (output: { Resources: Resources }) => Object.values(output.Resources);

describe("the output of a successful transform stays within AWS quotas", () => {
  test("every function's environment is at most 4,096 bytes", () =>
    checkQuota("environment", "environment bytes", ENVIRONMENT_BYTES, (output) => maximum(resourcesOf(output).filter((r) => r?.Type === "AWS::Lambda::Function").map(environmentBytes))), 120_000);

  test("every resource has at most 50 tags", () => checkQuota("tags", "tags", TAGS_PER_RESOURCE, (output) => maximum(resourcesOf(output).map(tagCount))), 120_000);

  test("every role's inline policies total at most 10,240 characters without whitespace", () =>
    checkQuota("policies", "role policy characters", ROLE_POLICY_CHARACTERS, (output) => maximum(rolePolicyCharacters(output.Resources).values())), 120_000);

  test("the output is at most 1,048,576 bytes of JSON without whitespace", () => checkQuota("template", "template bytes", TEMPLATE_BYTES, templateBytes), 120_000);
});

describe("the measures", () => {
  // The measures must count what AWS counts, or the properties above prove nothing.
  test("environment: names and literal values, in bytes", () => {
    expect(environmentBytes({ Properties: { Environment: { Variables: { AB: "cdé", X: { Ref: "P" } } } } })).toBe(2 + 4 + 1);
    expect(bytes(JSON.stringify(variablesOfSize(4_000)).replace(/[{}",:]/g, ""))).toBe(environmentBytes({ Properties: { Environment: { Variables: variablesOfSize(4_000) } } }));
    expect(environmentBytes({ Properties: { Environment: { Variables: variablesOfSize(4_000) } } })).toBeGreaterThanOrEqual(4_000);
  });

  test("tags: lists and maps, without CloudFormation's aws: tags", () => {
    expect(tagCount({ Properties: { Tags: [{ Key: "a", Value: "1" }, { Key: "aws:cloudformation:stack-name", Value: "s" }] } })).toBe(1);
    expect(tagCount({ Properties: { Tags: { a: "1", b: "2" } } })).toBe(2);
  });

  test("role policies: own and attached, without whitespace", () => {
    const document = { Statement: [{ Effect: "Allow", Action: "s3:Get Object", Resource: "*" }] };
    const size = withoutWhitespace(document).length;
    const resources = {
      Role: { Type: "AWS::IAM::Role", Properties: { Policies: [{ PolicyName: "a", PolicyDocument: document }] } },
      Other: { Type: "AWS::IAM::Role", Properties: {} },
      Attached: { Type: "AWS::IAM::Policy", Properties: { Roles: [{ Ref: "Role" }], PolicyDocument: document } },
    };
    expect(rolePolicyCharacters(resources)).toEqual(new Map([["Role", 2 * size], ["Other", 0]]));
    expect(size).toBe(JSON.stringify(document).length - 1);
    const generatedSize = withoutWhitespace(policyOfSize(10_000, "S")).length;
    expect(generatedSize).toBeGreaterThanOrEqual(10_000);
    expect(generatedSize).toBeLessThan(10_250);
  });
});
