/**
 * Grants the permissions Datadog needs to the roles of what the macro instruments. Grants are collected
 * first and written once per role, however many functions share it: in the role's inline policy
 * `DatadogServerlessMacro`, or, when that would take the role past IAM's quota on inline policies, in a
 * managed policy attached to it.
 */
import { isIntrinsic, isObject, own, ref, referencedLogicalId, type ConditionSpace, type Json, type JsonObject, type TemplateContext } from "../intrinsics";
import { IAM_MANAGED_POLICY, IAM_ROLE, type Addition, type TemplateDraft } from "../model";
import { GRANT_BY_HAND, GRANTS_IN_MANAGED_POLICY, ROLE_POLICY_LIMIT, type Report } from "../rules";
import {
  AttachedPolicies,
  managedPolicyArnsCount,
  MAX_INLINE_POLICY_CHARS,
  MAX_MANAGED_POLICIES_PER_ROLE,
  MAX_MANAGED_POLICY_CHARS,
  policyChars,
} from "./role-policies";

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: Json;
  Condition?: Json;
}

/** The inline policy the macro owns on roles it edits. */
export const MACRO_POLICY_NAME = "DatadogServerlessMacro";
/** Ends the logical id of the managed policy the macro adds to a role whose inline policies are full. */
const MACRO_POLICY_SUFFIX = "DatadogPolicy";

/** Who needs a permission: its logical id, its role reference, and whether SAM builds its role from `Policies`. */
export interface Grantee {
  logicalId: string;
  role: unknown;
  /** A SAM resource: without a Role, SAM creates one from its `Policies`. */
  sam: boolean;
}

export class Grants {
  private readonly roles = new Map<string, { statements: Set<Statement>; grantees: Set<string> }>();
  private readonly samResources = new Map<string, Statement[]>();

  constructor(
    private readonly draft: TemplateDraft,
    /** Errors too: a role that cannot take the grants fails the transform (E206). */
    private readonly report: Report,
    private readonly template: { resources: JsonObject; context: TemplateContext; conditions: ConditionSpace },
  ) {}

  grant(grantee: Grantee, ...statements: Statement[]): void {
    if (statements.length === 0) return;
    const actions = () => [...new Set(statements.flatMap((statement) => statement.Action))];
    if (grantee.role === undefined) {
      if (grantee.sam) for (const statement of statements) push(this.samResources, grantee.logicalId, statement);
      else this.report.warn(GRANT_BY_HAND, { resource: grantee.logicalId, why: "it has no role", actions: actions() });
      return;
    }
    const roleId = referencedLogicalId(grantee.role, "Arn");
    const role = roleId === undefined ? undefined : this.draft.get(roleId);
    if (roleId === undefined || !isObject(role) || role.Type !== IAM_ROLE) {
      this.report.warn(GRANT_BY_HAND, { resource: grantee.logicalId, why: "its role is not an AWS::IAM::Role of this template", actions: actions() });
      return;
    }
    let entry = this.roles.get(roleId);
    if (entry === undefined) this.roles.set(roleId, (entry = { statements: new Set(), grantees: new Set() }));
    for (const statement of statements) entry.statements.add(statement);
    entry.grantees.add(grantee.logicalId);
  }

  /** Writes every grant: once per role (or SAM resource). */
  write(): void {
    let attached: AttachedPolicies | undefined;
    for (const [roleId, entry] of this.roles) {
      const statements = [...entry.statements];
      const properties = this.draft.editableProperties(roleId);
      const policies = properties?.Policies;
      if (properties === undefined || (policies !== undefined && !Array.isArray(policies))) {
        const actions = [...new Set(statements.flatMap((s) => s.Action))];
        for (const grantee of entry.grantees) this.report.warn(GRANT_BY_HAND, { resource: grantee, why: `the Policies of role ${roleId} cannot be edited (an intrinsic function)`, actions });
        continue;
      }
      const list = (policies as Json[] | undefined) ?? [];
      const ours = macroPolicyIndex(list);
      const document = ours < 0 ? undefined : own(list[ours], "PolicyDocument");
      const missing = statements.filter((statement) => !hasStatement(document, statement.Sid));
      if (missing.length === 0) continue;
      const next = withStatements(list, missing);
      attached ??= new AttachedPolicies(this.template.resources, this.template.context, this.template.conditions);
      const inline = attached.inlineChars(roleId, next);
      if (inline <= MAX_INLINE_POLICY_CHARS) properties.Policies = next;
      else {
        const managed = managedPolicyArnsCount(properties.ManagedPolicyArns, this.template.context) + attached.managedPolicies(roleId);
        this.grantInManagedPolicy(roleId, missing, { inline, grantees: [...entry.grantees], managed });
      }
    }
    for (const [logicalId, statements] of this.samResources) {
      const policies = own(own(this.draft.get(logicalId), "Properties"), "Policies");
      const list = policies === undefined ? [] : typeof policies === "string" ? [policies] : Array.isArray(policies) ? policies : undefined;
      if (list === undefined) {
        this.report.warn(GRANT_BY_HAND, { resource: logicalId, why: "its Policies cannot be edited", actions: [...new Set(statements.flatMap((s) => s.Action))] });
        continue;
      }
      const missing = statements.filter((statement) => !list.some((policy) => hasStatement(policy, statement.Sid)));
      if (missing.length > 0) this.grantThroughSamPolicies(logicalId, list, missing);
    }
  }

  /**
   * A SAM function (or state machine) without a Role: SAM makes its role, with an inline policy per
   * document of `Policies` and a managed policy per ARN. The statements go inline while those documents
   * stay within IAM's 10,240 characters; past that, into a managed policy of the macro's, listed in
   * `Policies` by `Ref` (SAM attaches it), while the role SAM makes has room for another.
   */
  private grantThroughSamPolicies(logicalId: string, list: Json[], missing: Statement[]): void {
    const document: JsonObject = { Version: "2012-10-17", Statement: missing as unknown as Json[] };
    const addition: Addition = { owner: logicalId, suffix: MACRO_POLICY_SUFFIX, resource: { Type: IAM_MANAGED_POLICY, Properties: { PolicyDocument: document } } };
    const earlier = this.draft.find(addition);
    const inline = [...list, ...missing.map((statement) => ({ Statement: [statement as unknown as Json] }))];
    const size = samInlineChars(inline, this.template.context);
    // An earlier run's managed policy, already listed: nothing to add, and the same note as that run's.
    if (earlier !== undefined && list.some((policy) => referencedLogicalId(policy) === earlier)) {
      this.report.note(GRANTS_IN_MANAGED_POLICY, { resource: logicalId, policy: earlier, inline: size, inlineLimit: MAX_INLINE_POLICY_CHARS });
      return;
    }
    if (size <= MAX_INLINE_POLICY_CHARS) {
      this.draft.properties(logicalId).Policies = inline;
      return;
    }
    const managed = samManagedPolicies(list, own(this.draft.get(logicalId), "Properties"));
    const documentSize = policyChars(document, this.template.context);
    const why =
      documentSize > MAX_MANAGED_POLICY_CHARS
        ? `as a managed policy they would be ${documentSize} characters, past IAM's ${MAX_MANAGED_POLICY_CHARS}`
        : managed >= MAX_MANAGED_POLICIES_PER_ROLE
          ? `the role SAM makes for it would already have ${managed} managed policies, IAM's default quota`
          : undefined;
    if (why !== undefined) {
      this.report.error(ROLE_POLICY_LIMIT, { resource: logicalId, inline: size, inlineLimit: MAX_INLINE_POLICY_CHARS, why, users: [logicalId] });
      return;
    }
    const policyId = earlier ?? this.draft.add(addition);
    this.draft.properties(logicalId).Policies = [...list, ref(policyId)];
    this.report.note(GRANTS_IN_MANAGED_POLICY, { resource: logicalId, policy: policyId, inline: size, inlineLimit: MAX_INLINE_POLICY_CHARS });
  }

  /**
   * The statements as a managed policy attached to the role, found again by a later run rather than
   * added twice. The grantees wait for it (a state machine's log delivery is checked at creation).
   * E206 when IAM would refuse that policy too.
   */
  private grantInManagedPolicy(roleId: string, statements: Statement[], role: { inline: number; grantees: string[]; managed: number }): void {
    const document: JsonObject = { Version: "2012-10-17", Statement: statements as unknown as Json[] };
    const addition: Addition = { owner: roleId, suffix: MACRO_POLICY_SUFFIX, resource: { Type: IAM_MANAGED_POLICY, Properties: { PolicyDocument: document, Roles: [ref(roleId)] } } };
    let policyId = this.draft.find(addition);
    if (policyId === undefined) {
      const size = policyChars(document, this.template.context);
      const why =
        size > MAX_MANAGED_POLICY_CHARS
          ? `as a managed policy they would be ${size} characters, past IAM's ${MAX_MANAGED_POLICY_CHARS}`
          : role.managed >= MAX_MANAGED_POLICIES_PER_ROLE
            ? `it already has ${role.managed} managed policies, IAM's default quota`
            : undefined;
      if (why !== undefined) {
        this.report.error(ROLE_POLICY_LIMIT, { resource: roleId, inline: role.inline, inlineLimit: MAX_INLINE_POLICY_CHARS, why, users: role.grantees });
        return;
      }
      policyId = this.draft.add(addition);
    }
    for (const grantee of role.grantees) this.draft.dependOn(grantee, policyId);
    this.report.note(GRANTS_IN_MANAGED_POLICY, { resource: roleId, policy: policyId, inline: role.inline, inlineLimit: MAX_INLINE_POLICY_CHARS });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function hasStatement(document: unknown, sid: string): boolean {
  const statements = own(document, "Statement");
  return Array.isArray(statements) && statements.some((s) => isObject(s) && s.Sid === sid);
}

/** Where the macro's inline policy is in a role's `Policies` (-1: not there). */
function macroPolicyIndex(list: readonly Json[]): number {
  return list.findIndex((policy) => isObject(policy) && policy.PolicyName === MACRO_POLICY_NAME);
}

/** The role's `Policies`, a new list, with the macro's inline policy holding the `missing` statements too. */
function withStatements(list: Json[], missing: Statement[]): Json[] {
  const ours = macroPolicyIndex(list);
  const policy = ours < 0 ? undefined : (list[ours] as JsonObject);
  const document = isObject(policy?.PolicyDocument) ? policy.PolicyDocument : { Version: "2012-10-17" };
  const existing = Array.isArray(document.Statement) ? document.Statement : [];
  const updated: JsonObject = {
    ...(policy ?? { PolicyName: MACRO_POLICY_NAME }),
    PolicyDocument: { Version: "2012-10-17", ...document, Statement: [...existing, ...(missing as unknown as Json[])] },
  };
  return ours < 0 ? [...list, updated] : list.map((item, i) => (i === ours ? updated : item));
}

/** A role for a resource that has none, trusting `service`, holding `statement`. */
export function roleFor(service: string, statement: Statement): JsonObject {
  return {
    Type: IAM_ROLE,
    Properties: {
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] },
      Policies: [{ PolicyName: MACRO_POLICY_NAME, PolicyDocument: { Version: "2012-10-17", Statement: [statement as unknown as Json] } }],
    },
  };
}

/**
 * What SAM makes inline policies of, among a function's `Policies`: documents, and policy templates
 * (counted in their template form: SAM expands them to statements of about that size). ARNs and
 * intrinsic functions are managed policies.
 */
function samInlineChars(policies: readonly Json[], context: TemplateContext): number {
  return policies.reduce<number>((sum, policy) => sum + (isObject(policy) && !isIntrinsic(policy) ? policyChars(policy, context) : 0), 0);
}

/** The managed policies of the role SAM makes: its basic execution policy, VPC access and X-Ray when set, and each ARN or intrinsic of `Policies`. */
function samManagedPolicies(policies: readonly Json[], properties: unknown): number {
  const listed = policies.filter((policy) => typeof policy === "string" || isIntrinsic(policy)).length;
  const vpc = own(properties, "VpcConfig") !== undefined ? 1 : 0;
  const tracing = own(properties, "Tracing") === "Active" ? 1 : 0;
  return 1 + listed + vpc + tracing;
}
