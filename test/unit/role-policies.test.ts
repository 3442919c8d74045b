/**
 * IAM's quotas on a role's policies: the macro's grants go inline while the role's inline policies stay
 * within 10,240 characters, then to a managed policy attached to the role, and the transform fails
 * (E206) when the role cannot take that either.
 */
import { Grants } from "../../src/instrument/permissions";
import { ConditionSpace } from "../../src/intrinsics";
import { MAX_INLINE_POLICY_CHARS, policyChars } from "../../src/instrument/role-policies";
import { TemplateDraft } from "../../src/model";
import { Report } from "../../src/rules";
import { ALL_LAYERS, instrument, role, run, template } from "../helpers/macro";
import { EXCLUSIVE_CONDITIONS, python } from "../helpers/builders";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKey";
const PARAMS = { ...ALL_LAYERS, apiKeySecretArn: SECRET };

/** What IAM counts for an inline policy, computed here independently of the macro: name, and JSON without whitespace. */
const counted = (policy: { PolicyName: string; PolicyDocument: unknown }) => policy.PolicyName.length + JSON.stringify(policy.PolicyDocument).replace(/\s/g, "").length;

/** A user's inline policy of exactly `size` characters as IAM counts them. */
function userPolicy(size: number, name = "Orders") {
  const make = (padding: number) => ({
    PolicyName: name,
    PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"o".repeat(padding)}` }] },
  });
  const policy = make(size - counted(make(0)));
  expect(counted(policy)).toBe(size);
  return policy;
}

/** The characters the macro's own inline policy adds (measured on a role without policies). */
function grantSize(): number {
  const out = instrument(template({ F: python() }), PARAMS);
  const [ours] = out.Role.Properties.Policies;
  expect(ours.PolicyName).toBe("DatadogServerlessMacro");
  return counted(ours);
}

/** A template whose role holds `policies`, with `extra` role properties and resources. */
function withRole(policies: unknown[], properties: Record<string, unknown> = {}, resources: Record<string, unknown> = {}, roleExtra: Record<string, unknown> = {}) {
  const base = role() as { Type: string; Properties: Record<string, unknown> };
  return template({ F: python(), ...resources, Role: { ...base, ...roleExtra, Properties: { ...base.Properties, Policies: policies, ...properties } } });
}

const managedPolicies = (resources: Record<string, any>) => Object.entries(resources).filter(([, r]) => r.Type === "AWS::IAM::ManagedPolicy");

describe("the 10,240 characters of a role's inline policies", () => {
  const grants = grantSize();
  const filling = (total: number) => userPolicy(total - grants);

  test.each([
    ["just under", MAX_INLINE_POLICY_CHARS - 1],
    ["exactly at", MAX_INLINE_POLICY_CHARS],
  ])("%s the limit with the grants: inline, as before", (_label, total) => {
    const outcome = run(withRole([filling(total)]), PARAMS);
    expect(outcome.ok).toBe(true);
    const resources = (outcome.fragment as any).Resources;
    const policies = resources.Role.Properties.Policies;
    expect(policies.map((p: any) => p.PolicyName)).toEqual(["Orders", "DatadogServerlessMacro"]);
    expect(policies.reduce((sum: number, p: any) => sum + counted(p), 0)).toBe(total);
    expect(managedPolicies(resources)).toEqual([]);
    expect(outcome.notes.join()).not.toMatch(/I102/);
  });

  test("just over: a managed policy attached to the role, which the function waits for, and a note", () => {
    const input = withRole([filling(MAX_INLINE_POLICY_CHARS + 1)]);
    const outcome = run(input, PARAMS);
    expect(outcome.ok).toBe(true);
    const resources = (outcome.fragment as any).Resources;
    expect(resources.Role).toEqual((input as any).Resources.Role);
    expect(managedPolicies(resources)).toEqual([
      [
        "RoleDatadogPolicy",
        {
          Type: "AWS::IAM::ManagedPolicy",
          Properties: {
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [{ Sid: "DatadogApiKeySecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET, `${SECRET}-??????`] }],
            },
            Roles: [{ Ref: "Role" }],
          },
        },
      ],
    ]);
    expect(resources.F.DependsOn).toBe("RoleDatadogPolicy");
    expect(outcome.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[I102\] Role: Datadog's permissions are in managed policy RoleDatadogPolicy: with them, its inline policies would be 10241 characters, past IAM's 10240/)]),
    );
  });

  test("a second run finds the managed policy: byte-identical output, no inline policy added", () => {
    const first = run(withRole([filling(MAX_INLINE_POLICY_CHARS + 1)]), PARAMS);
    const second = run(JSON.parse(JSON.stringify(first.fragment)), PARAMS);
    expect(second.ok).toBe(true);
    expect(JSON.stringify(second.fragment)).toBe(JSON.stringify(first.fragment));
    expect((second.fragment as any).Resources.Role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(["Orders"]);
    expect(second.notes).toEqual(first.notes);
  });

  test("a role under a Condition: its managed policy carries it", () => {
    const input = withRole([filling(MAX_INLINE_POLICY_CHARS + 1)], {}, { F: { ...python(), Condition: "InProd" } }, { Condition: "InProd" });
    const out = instrument({ ...input, Conditions: { InProd: { "Fn::Equals": ["a", "a"] } } }, PARAMS);
    expect(out.RoleDatadogPolicy.Condition).toBe("InProd");
  });

  test("AWS::IAM::Policy and AWS::IAM::RolePolicy resources attached to the role count; those of another role do not", () => {
    const half = (name: string) => userPolicy(MAX_INLINE_POLICY_CHARS / 2, name);
    const policyResource = (roles: unknown) => ({ Type: "AWS::IAM::Policy", Properties: { ...half("Attached"), Roles: roles } });
    const rolePolicy = { Type: "AWS::IAM::RolePolicy", Properties: { ...half("ByName"), RoleName: { Ref: "Role" } } };
    // Half in the role, half in a policy resource: with the grants, over.
    expect(instrument(withRole([half("Own")], {}, { Extra: policyResource([{ Ref: "Role" }]) }), PARAMS).RoleDatadogPolicy).toBeDefined();
    expect(instrument(withRole([half("Own")], {}, { Extra: rolePolicy }), PARAMS).RoleDatadogPolicy).toBeDefined();
    // By the role's literal RoleName too.
    expect(instrument(withRole([half("Own")], { RoleName: "orders-role" }, { Extra: policyResource(["orders-role"]) }), PARAMS).RoleDatadogPolicy).toBeDefined();
    // Another role's policy is not this role's.
    const other = instrument(withRole([half("Own")], {}, { Other: role(), Extra: policyResource([{ Ref: "Other" }]) }), PARAMS);
    expect(other.RoleDatadogPolicy).toBeUndefined();
    expect(other.Role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(["Own", "DatadogServerlessMacro"]);
  });

  test("an intrinsic function that resolves counts as its value", () => {
    const size = MAX_INLINE_POLICY_CHARS - grants;
    const policy = userPolicy(size - 1000);
    // 1,011 characters as a Ref (`{"Ref":"Bucket"}` is 16), 1,000 more once resolved: over the limit.
    const resource = policy.PolicyDocument.Statement[0].Resource;
    const long = `${resource}${"o".repeat(1000 + 16)}`;
    (policy.PolicyDocument.Statement[0] as any).Resource = { Ref: "Bucket" };
    const input = { ...withRole([policy]), Parameters: { Bucket: { Type: "String", Default: long } } };
    expect(counted(policy)).toBeLessThan(size);
    expect(instrument(input, PARAMS).RoleDatadogPolicy).toBeDefined();
  });

  test("a hostile depth in a policy document is counted without recursion", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(policyChars(deep, { parameterValues: {}, parameterDeclarations: {}, mappings: {}, pseudoParameters: {} })).toBe(200_000 + 6);
    // Through the macro: 20,000 nested Fn::If in an attached policy, counted in their template form.
    let nested: unknown = "arn:aws:s3:::orders";
    for (let i = 0; i < 20_000; i++) nested = { "Fn::If": ["InProd", nested, "arn:aws:s3:::reports"] };
    const attached = { Type: "AWS::IAM::Policy", Properties: { PolicyName: "Deep", Roles: [{ Ref: "Role" }], PolicyDocument: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: nested }] } } };
    expect(instrument(withRole([], {}, { Deep: attached }), PARAMS).RoleDatadogPolicy).toBeDefined();
  });
});

describe("the 10 managed policies of a role", () => {
  const full = userPolicy(MAX_INLINE_POLICY_CHARS);
  const arns = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:iam::123456789012:policy/orders-${i}`);
  const attachedManaged = { Type: "AWS::IAM::ManagedPolicy", Properties: { PolicyDocument: { Statement: [] }, Roles: [{ Ref: "Role" }] } };

  test("9 (ManagedPolicyArns and a managed policy resource of the template): the macro's is the 10th", () => {
    expect(instrument(withRole([full], { ManagedPolicyArns: arns(8) }, { Shared: attachedManaged }), PARAMS).RoleDatadogPolicy).toBeDefined();
  });

  test("10: fails with E206, naming the role, its users and its inline size; the fragment is returned as received", () => {
    const input = withRole([full], { ManagedPolicyArns: arns(9) }, { Shared: attachedManaged });
    const before = JSON.stringify(input);
    const outcome = run(input, PARAMS);
    expect(outcome.ok).toBe(false);
    expect(outcome.errors).toEqual([
      expect.stringMatching(/^\[E206\] Role: the role of F: its inline policies would be \d+ characters with Datadog's permissions, past IAM's 10240, and it already has 10 managed policies, IAM's default quota\. Trim/),
    ]);
    expect(outcome.fragment).toBe(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  test("an Fn::If of lists counts as its longest branch", () => {
    const conditional = { "Fn::If": ["InProd", arns(10), arns(2)] };
    expect(run(withRole([full], { ManagedPolicyArns: conditional }), PARAMS).errors.join()).toMatch(/E206/);
  });
});

describe("the 6,144 characters of a managed policy", () => {
  const context = { parameterValues: {}, parameterDeclarations: {}, mappings: {}, pseudoParameters: {} };
  const statement = (resources: number) => ({ Sid: "Big", Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: Array.from({ length: resources }, (_, i) => `arn:aws:s3:::orders-${i}`) });
  function writeGrants(resources: number) {
    const fragment = withRole([userPolicy(MAX_INLINE_POLICY_CHARS)]) as any;
    const draft = new TemplateDraft(fragment, fragment.Resources);
    const report = new Report();
    const grants = new Grants(draft, report, { resources: fragment.Resources, context, conditions: new ConditionSpace({}, context) });
    grants.grant({ logicalId: "F", role: { "Fn::GetAtt": ["Role", "Arn"] }, sam: false }, statement(resources));
    grants.write();
    return { report, draft };
  }

  test("grants that fit in one managed policy go there", () => {
    const { report, draft } = writeGrants(100);
    expect(report.failed).toBe(false);
    expect(policyChars((draft.get("RoleDatadogPolicy") as any).Properties.PolicyDocument, context)).toBeLessThanOrEqual(6144);
  });

  test("grants larger than a managed policy fail with E206", () => {
    const { report, draft } = writeGrants(300);
    expect(report.errors).toEqual([expect.stringMatching(/^\[E206\] Role: .*and as a managed policy they would be \d+ characters, past IAM's 6144/)]);
    expect(draft.get("RoleDatadogPolicy")).toBeUndefined();
  });
});

describe("Conditions, list parameters and SAM's roles", () => {
  /** A policy document of about 30 characters per bucket (JSON without whitespace). */
  const bigDoc = (buckets: number, tag: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: buckets }, (_, i) => `arn:aws:s3:::${tag}-bucket-${i}/*`) }],
  });
  const compactChars = (value: unknown) => JSON.stringify(value).length;
  const SECRET = { apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-abc", grantSecretAccess: true };
  const rulesOf = (outcome: ReturnType<typeof run>) => outcome.diagnostics.map((d) => d.rule);

  test("AWS::IAM::Policy resources under exclusive Conditions are never counted together (no E208)", () => {
    expect(compactChars(bigDoc(200, "a"))).toBeLessThan(6100);
    const fragment = template(
      {
        F: python(),
        P1: { Type: "AWS::IAM::Policy", Condition: "C", Properties: { PolicyName: "p1", Roles: [{ Ref: "Role" }], PolicyDocument: bigDoc(200, "a") } },
        P2: { Type: "AWS::IAM::Policy", Condition: "NotC", Properties: { PolicyName: "p2", Roles: [{ Ref: "Role" }], PolicyDocument: bigDoc(200, "b") } },
      },
      EXCLUSIVE_CONDITIONS,
    );
    const outcome = run(fragment, ALL_LAYERS);
    expect(outcome.errors).toEqual([]);
    expect(outcome.ok).toBe(true);
  });

  test("an Fn::If between two inline policies counts one branch: the grants stay inline beside 10 managed policies (no E206)", () => {
    const role = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Statement: [] },
        ManagedPolicyArns: Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`),
        // ~6,000 characters under either condition: with Datadog's ~250 it stays well under 10,240.
        Policies: [{ "Fn::If": ["C", { PolicyName: "a", PolicyDocument: bigDoc(200, "a") }, { PolicyName: "b", PolicyDocument: bigDoc(200, "b") }] }],
      },
    };
    const outcome = run(template({ Role: role, F: python() }, EXCLUSIVE_CONDITIONS), { ...ALL_LAYERS, ...SECRET });
    expect(rulesOf(outcome)).not.toContain("E206");
    expect(outcome.ok).toBe(true);
  });

  test("ManagedPolicyArns from a CommaDelimitedList parameter counts its ARNs: with 10, no 11th is added (E206)", () => {
    const role = {
      Type: "AWS::IAM::Role",
      Properties: { AssumeRolePolicyDocument: { Statement: [] }, ManagedPolicyArns: { Ref: "Arns" }, Policies: [{ PolicyName: "a", PolicyDocument: bigDoc(340, "a") }] },
    };
    const arns = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join(",");
    const outcome = run(template({ Role: role, F: python() }, { Parameters: { Arns: { Type: "CommaDelimitedList", Default: arns } } }), { ...ALL_LAYERS, ...SECRET });
    // Inline is full and the role already has IAM's 10 managed policies: the deploy would fail with an 11th.
    expect(outcome.ok).toBe(false);
    expect(rulesOf(outcome)).toContain("E206");
  });

  test("a SAM function without Role: the grants never take the role SAM makes past 10,240 characters", () => {
    const policies = [bigDoc(338, "a")];
    expect(compactChars(policies)).toBeLessThan(10_240);
    const fragment = template(
      { F: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "src/", Policies: policies } } },
      { Transform: "AWS::Serverless-2016-10-31" },
    );
    const outcome = run(fragment, { ...ALL_LAYERS, ...SECRET });
    // Either the transform refuses (E206), or what SAM will make inline policies of stays within IAM's quota.
    if (outcome.ok) expect(compactChars((outcome.fragment as any).Resources.F.Properties.Policies)).toBeLessThanOrEqual(10_240);
    else expect(rulesOf(outcome)).toContain("E206");
  });

  test("a SAM function without Role past the limit: the grants go to a managed policy listed in its Policies, the same on a second run", () => {
    const fragment = template(
      { F: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "src/", Policies: [bigDoc(338, "a"), "AmazonS3ReadOnlyAccess"] } } },
      { Transform: "AWS::Serverless-2016-10-31" },
    );
    const first = run(fragment, { ...ALL_LAYERS, ...SECRET });
    expect(first.ok).toBe(true);
    const out = (first.fragment as any).Resources;
    expect(out.F.Properties.Policies).toEqual([bigDoc(338, "a"), "AmazonS3ReadOnlyAccess", { Ref: "FDatadogPolicy" }]);
    expect(out.FDatadogPolicy.Type).toBe("AWS::IAM::ManagedPolicy");
    expect(out.FDatadogPolicy.Properties.Roles).toBeUndefined();
    expect(rulesOf(first)).toContain("I102");
    expect(JSON.stringify(run(first.fragment, { ...ALL_LAYERS, ...SECRET }).fragment)).toBe(JSON.stringify(first.fragment));
    // The role SAM makes would already hold 10 managed policies (its basic execution one and 9 listed): E206.
    const full = template(
      { F: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "src/", Policies: [bigDoc(338, "a"), ...Array.from({ length: 9 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`)] } } },
      { Transform: "AWS::Serverless-2016-10-31" },
    );
    expect(rulesOf(run(full, { ...ALL_LAYERS, ...SECRET }))).toContain("E206");
  });
});
