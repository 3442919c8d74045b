/** Grants a function's role the permissions Datadog needs, when that role is defined in the template. */
import { isObject, referencedLogicalId, type Json, type JsonObject } from "../intrinsics";
import { functionProperty, IAM_ROLE, properties, writableProperties, type FunctionModel } from "../discover";
import type { InstrumentContext } from "./context";

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: Json;
}

/** The inline policy the macro owns on roles it edits. */
export const MACRO_POLICY_NAME = "DatadogServerlessMacro";

export function grantToFunction(fn: FunctionModel, ctx: InstrumentContext, statement: Statement): void {
  const role = functionProperty(fn, "Role");
  const manual = () => `grant ${statement.Action.join(", ")} on the role of ${fn.logicalId} yourself`;
  if (role === undefined) {
    // SAM creates the role itself from `Policies`: the statement goes there.
    if (fn.kind === "serverless" && addToSamPolicies(fn.resource, statement)) return;
    ctx.report.warn(`${fn.logicalId}: ${fn.kind === "serverless" ? "Policies cannot be edited" : "no Role"}; ${manual()}.`);
    return;
  }
  const roleId = referencedLogicalId(role, "Arn");
  const roleResource = roleId === undefined ? undefined : ctx.resources[roleId];
  if (!isObject(roleResource) || roleResource.Type !== IAM_ROLE) {
    ctx.report.warn(`${fn.logicalId}: its Role is not an AWS::IAM::Role of this template; ${manual()}.`);
    return;
  }
  if (!addToRole(roleResource, statement)) {
    ctx.report.warn(`${fn.logicalId}: the Policies of role ${roleId} cannot be edited (intrinsic function); ${manual()}.`);
  }
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
