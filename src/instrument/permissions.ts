/**
 * Grants the permissions Datadog needs to the roles of what the macro instruments. Grants are collected
 * first and written once per role, however many functions share it.
 */
import { isObject, own, referencedLogicalId, type Json, type JsonObject } from "../intrinsics";
import { IAM_ROLE, type TemplateDraft } from "../model";
import { GRANT_BY_HAND, type Warnings } from "../rules";

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: Json;
  Condition?: Json;
}

/** The inline policy the macro owns on roles it edits. */
export const MACRO_POLICY_NAME = "DatadogServerlessMacro";

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
    private readonly warnings: Warnings,
  ) {}

  grant(grantee: Grantee, ...statements: Statement[]): void {
    if (statements.length === 0) return;
    const actions = () => [...new Set(statements.flatMap((statement) => statement.Action))];
    if (grantee.role === undefined) {
      if (grantee.sam) for (const statement of statements) push(this.samResources, grantee.logicalId, statement);
      else this.warnings.warn(GRANT_BY_HAND, { resource: grantee.logicalId, why: "it has no role", actions: actions() });
      return;
    }
    const roleId = referencedLogicalId(grantee.role, "Arn");
    const role = roleId === undefined ? undefined : this.draft.get(roleId);
    if (roleId === undefined || !isObject(role) || role.Type !== IAM_ROLE) {
      this.warnings.warn(GRANT_BY_HAND, { resource: grantee.logicalId, why: "its role is not an AWS::IAM::Role of this template", actions: actions() });
      return;
    }
    let entry = this.roles.get(roleId);
    if (entry === undefined) this.roles.set(roleId, (entry = { statements: new Set(), grantees: new Set() }));
    for (const statement of statements) entry.statements.add(statement);
    entry.grantees.add(grantee.logicalId);
  }

  /** Writes every grant: once per role (or SAM resource). */
  write(): void {
    for (const [roleId, entry] of this.roles) {
      const statements = [...entry.statements];
      const properties = this.draft.editableProperties(roleId);
      const policies = properties?.Policies;
      if (properties === undefined || (policies !== undefined && !Array.isArray(policies))) {
        const actions = [...new Set(statements.flatMap((s) => s.Action))];
        for (const grantee of entry.grantees) this.warnings.warn(GRANT_BY_HAND, { resource: grantee, why: `the Policies of role ${roleId} cannot be edited (an intrinsic function)`, actions });
        continue;
      }
      const next = withStatements(policies as Json[] | undefined, statements);
      if (next !== policies) properties.Policies = next as Json;
    }
    for (const [logicalId, statements] of this.samResources) {
      const policies = own(own(this.draft.get(logicalId), "Properties"), "Policies");
      const list = policies === undefined ? [] : typeof policies === "string" ? [policies] : Array.isArray(policies) ? policies : undefined;
      if (list === undefined) {
        this.warnings.warn(GRANT_BY_HAND, { resource: logicalId, why: "its Policies cannot be edited", actions: [...new Set(statements.flatMap((s) => s.Action))] });
        continue;
      }
      const missing = statements.filter((statement) => !list.some((policy) => hasStatement(policy, statement.Sid)));
      if (missing.length > 0) this.draft.properties(logicalId).Policies = [...list, ...missing.map((statement) => ({ Statement: [statement as unknown as Json] }))];
    }
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

/** The role's `Policies` with the macro's inline policy holding every statement: a new list, or the same one. */
function withStatements(policies: Json[] | undefined, statements: Statement[]): Json[] | undefined {
  const list = policies ?? [];
  const ours = list.findIndex((policy) => isObject(policy) && policy.PolicyName === MACRO_POLICY_NAME);
  const policy = ours < 0 ? undefined : (list[ours] as JsonObject);
  const missing = statements.filter((statement) => !hasStatement(policy?.PolicyDocument, statement.Sid));
  if (missing.length === 0) return policies;
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
