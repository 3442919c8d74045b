/** Grants a function's role the permissions Datadog needs, when that role is defined in the template. */
import { isObject, referencedLogicalId, type Json, type JsonObject } from "../intrinsics";
import { functionProperty, IAM_ROLE, properties, writableProperties, type FunctionModel } from "../discover";
import type { Report } from "../report";
import type { InstrumentContext } from "./context";

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: Json;
}

/** The inline policy the macro owns on roles it edits. */
export const MACRO_POLICY_NAME = "DatadogServerlessMacro";

/** Who needs the permission: its logical id, its role reference, and (SAM) the resource whose Policies SAM turns into a role. */
export interface Grantee {
  logicalId: string;
  role: unknown;
  samResource?: JsonObject;
}

export function grantToFunction(fn: FunctionModel, ctx: InstrumentContext, statement: Statement): void {
  grant({ logicalId: fn.logicalId, role: functionProperty(fn, "Role"), samResource: fn.kind === "serverless" ? fn.resource : undefined }, ctx.resources, ctx.report, statement);
}

export function grant(grantee: Grantee, resources: JsonObject, report: Report, statement: Statement): void {
  const manual = () => `grant ${statement.Action.join(", ")} on the role of ${grantee.logicalId} yourself`;
  if (grantee.role === undefined) {
    // SAM creates the role itself from `Policies`: the statement goes there.
    if (grantee.samResource && addToSamPolicies(grantee.samResource, statement)) return;
    report.warn(`${grantee.logicalId}: ${grantee.samResource ? "Policies cannot be edited" : "no role"}; ${manual()}.`);
    return;
  }
  const roleId = referencedLogicalId(grantee.role, "Arn");
  const roleResource = roleId === undefined ? undefined : resources[roleId];
  if (!isObject(roleResource) || roleResource.Type !== IAM_ROLE) {
    report.warn(`${grantee.logicalId}: its role is not an AWS::IAM::Role of this template; ${manual()}.`);
    return;
  }
  if (!addToRole(roleResource, statement)) {
    report.warn(`${grantee.logicalId}: the Policies of role ${roleId} cannot be edited (intrinsic function); ${manual()}.`);
  }
}

/** A role for a resource that has none, trusting `service`, holding `statement`; returns its logical id. */
export function createRole(resources: JsonObject, logicalId: string, service: string, statement: Statement): void {
  resources[logicalId] = {
    Type: IAM_ROLE,
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
      },
    },
  };
  addToRole(resources[logicalId] as JsonObject, statement);
}

function hasStatement(document: unknown, sid: string): boolean {
  return isObject(document) && Array.isArray(document.Statement) && document.Statement.some((s) => isObject(s) && s.Sid === sid);
}

function addToRole(role: JsonObject, statement: Statement): boolean {
  const policies = properties(role).Policies;
  if (policies !== undefined && !Array.isArray(policies)) return false;
  // Functions often share a role: most calls find the statement there already.
  if (policies?.some((policy) => isObject(policy) && policy.PolicyName === MACRO_POLICY_NAME && hasStatement(policy.PolicyDocument, statement.Sid))) return true;
  const list = [...(policies ?? [])];
  const ours = list.findIndex((policy) => isObject(policy) && policy.PolicyName === MACRO_POLICY_NAME);
  if (ours < 0) {
    list.push({ PolicyName: MACRO_POLICY_NAME, PolicyDocument: { Version: "2012-10-17", Statement: [statement as unknown as Json] } });
  } else {
    const policy = list[ours] as JsonObject;
    if (hasStatement(policy.PolicyDocument, statement.Sid)) return true;
    const document = isObject(policy.PolicyDocument) ? policy.PolicyDocument : { Version: "2012-10-17" };
    const statements = Array.isArray(document.Statement) ? document.Statement : [];
    list[ours] = { ...policy, PolicyDocument: { ...document, Statement: [...statements, statement as unknown as Json] } };
  }
  writableProperties(role).Policies = list;
  return true;
}

/** SAM `Policies`: a managed policy name, a list of names, documents and policy templates. */
function addToSamPolicies(resource: JsonObject, statement: Statement): boolean {
  const policies = properties(resource).Policies;
  const list = policies === undefined ? [] : typeof policies === "string" ? [policies] : Array.isArray(policies) ? [...policies] : undefined;
  if (list === undefined) return false;
  if (list.some((policy) => hasStatement(policy, statement.Sid))) return true;
  list.push({ Statement: [statement as unknown as Json] });
  writableProperties(resource).Policies = list;
  return true;
}
