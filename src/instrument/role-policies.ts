/**
 * What IAM counts against a role's policy quotas, read from the template: the size of its inline
 * policies (its own `Policies`, and the `AWS::IAM::Policy` / `AWS::IAM::RolePolicy` resources attached
 * to it) and the number of its managed policies (`ManagedPolicyArns`, and the template's
 * `AWS::IAM::ManagedPolicy` resources listing it in `Roles`).
 */
import { conditionsIn, isIntrinsic, isObject, literalBranches, own, possibleValues, referencedIds, resolve, specialize, type ConditionSpace, type JsonObject, type TemplateContext } from "../intrinsics";
import { IAM_MANAGED_POLICY, IAM_POLICY, IAM_ROLE, IAM_ROLE_POLICY } from "../model";

/** IAM: all inline policies of a role together, whitespace not counted. */
export const MAX_INLINE_POLICY_CHARS = 10_240;
/** IAM: one managed policy document, whitespace not counted. */
export const MAX_MANAGED_POLICY_CHARS = 6_144;
/** IAM's default quota of managed policies per role (an account may raise it; the macro cannot see that). */
export const MAX_MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The characters IAM counts in a policy value: its JSON without whitespace. Intrinsic functions that
 * resolve to a string (a `Ref` to a parameter, `Fn::Sub` of pseudo parameters) count as that string.
 * The others count in their template form: an estimate, since their value is known only at deploy;
 * it is close for the ARNs policies are made of (a `GetAtt` of a table's `Arn` is about as long as a
 * short ARN, and `Fn::Sub` text holds most of its ARN), and counts both branches of an `Fn::If`.
 * Iterative, so a hostile depth costs no stack; the work is linear in the value's size.
 */
/**
 * How to count what is not known at transform time. `estimate` (deciding where the macro's grants go):
 * unresolved intrinsics in their template form, policy names included, erring on the large side.
 * `certain` (saying a role is already past the limit): only what is sure to be there, so the macro never
 * refuses a template on a guess.
 */
export type Counting = "estimate" | "certain";

export function policyChars(value: unknown, context: TemplateContext, counting: Counting = "estimate"): number {
  let total = 0;
  const pending: { value: unknown; resolvable: boolean }[] = [{ value, resolvable: true }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    let current = next.value;
    let resolvable = next.resolvable;
    if (resolvable && isIntrinsic(current)) {
      const resolved = resolve(current, context);
      if (resolved.known && typeof resolved.value === "string") current = resolved.value;
      // Parts of an intrinsic that did not resolve are not tried one by one: that would repeat the work at every level.
      else if (counting === "certain") continue;
      else resolvable = false;
    }
    if (typeof current === "string") total += compact(JSON.stringify(current));
    else if (Array.isArray(current)) {
      total += 2 + Math.max(0, current.length - 1);
      for (const item of current) pending.push({ value: item, resolvable });
    } else if (isObject(current)) {
      const keys = Object.keys(current);
      total += 2 + Math.max(0, keys.length - 1);
      for (const key of keys) {
        total += compact(JSON.stringify(key)) + 1;
        pending.push({ value: current[key], resolvable });
      }
    } else if (current !== undefined) total += String(current).length;
  }
  return total;
}

/** A document given as a JSON string counts as the JSON it holds. */
function documentChars(document: unknown, context: TemplateContext, counting: Counting): number {
  if (typeof document !== "string") return policyChars(document, context, counting);
  try {
    return policyChars(JSON.parse(document), context, counting);
  } catch {
    return compact(document);
  }
}

const compact = (text: string): number => text.replace(/\s/g, "").length;

/**
 * One inline policy (`PolicyName` and `PolicyDocument`): IAM documents the quota as the size of the
 * policies; the name is counted too, which errs on the safe side by at most 128 characters a policy.
 */
export function inlinePolicyChars(policy: unknown, context: TemplateContext, counting: Counting = "estimate"): number {
  if (!isObject(policy) || isIntrinsic(policy)) return policyChars(policy, context, counting);
  const name = resolve(policy.PolicyName, context);
  const nameChars = counting === "certain" ? 0 : name.known && typeof name.value === "string" ? compact(name.value) : policyChars(policy.PolicyName, context);
  return nameChars + documentChars(policy.PolicyDocument, context, counting);
}

/** The size of a role's `Policies` list (an entry that is an intrinsic function counts in its template form). */
export function policiesChars(policies: readonly unknown[], context: TemplateContext, counting: Counting = "estimate"): number {
  return policies.reduce<number>((sum, policy) => sum + inlinePolicyChars(policy, context, counting), 0);
}

/** The managed policies a role lists itself: the longest list an `Fn::If` may give; unknown (another intrinsic) as none. */
export function managedPolicyArnsCount(arns: unknown, context: TemplateContext): number {
  // A `Ref` to a list parameter (CommaDelimitedList) counts its items; an `Fn::If`, its longest branch.
  const possibles = possibleValues(arns, context);
  const lists = possibles?.map((possible) => possible.value) ?? literalBranches(arns) ?? [];
  return Math.max(0, ...lists.map((list) => (Array.isArray(list) ? list.length : 0)));
}

/** An inline policy resource attached to a role, and the Condition it is created under. */
interface AttachedInline {
  condition?: string;
  properties: unknown;
}

/**
 * What the template's policy resources add to each role, indexed once (one pass over the resources), and
 * a role's inline size at its worst under any consistent choice of the template's Conditions: two
 * policies under exclusive Conditions, or the two branches of an `Fn::If`, never count together.
 */
export class AttachedPolicies {
  private readonly inline = new Map<string, AttachedInline[]>();
  private readonly managed = new Map<string, number>();

  constructor(
    resources: JsonObject,
    private readonly context: TemplateContext,
    private readonly conditions: ConditionSpace,
    private readonly counting: Counting = "estimate",
  ) {
    // for-in rather than Object.entries/values: no array of the template's resources, twice per transform.
    const roleIdsByName = new Map<string, string>();
    for (const id in resources) {
      const resource = resources[id];
      const name = own(own(resource, "Properties"), "RoleName");
      if (own(resource, "Type") === IAM_ROLE && typeof name === "string") roleIdsByName.set(name, id);
    }
    for (const id in resources) {
      const resource = resources[id];
      const type = own(resource, "Type");
      if (type !== IAM_POLICY && type !== IAM_ROLE_POLICY && type !== IAM_MANAGED_POLICY) continue;
      const properties = own(resource, "Properties");
      const roles = attachedRoles(own(properties, type === IAM_ROLE_POLICY ? "RoleName" : "Roles"), roleIdsByName);
      const condition = own(resource, "Condition");
      for (const roleId of roles) {
        if (type === IAM_MANAGED_POLICY) this.managed.set(roleId, (this.managed.get(roleId) ?? 0) + 1);
        else this.inline.set(roleId, [...(this.inline.get(roleId) ?? []), { condition: typeof condition === "string" ? condition : undefined, properties }]);
      }
    }
  }

  /** Managed policies of the template listing the role (each counted, whatever its Condition: the safe side). */
  managedPolicies(roleId: string): number {
    return this.managed.get(roleId) ?? 0;
  }

  /** The most characters the role's inline policies (`policies`, its own, and the attached ones) take under one choice of Conditions. */
  inlineChars(roleId: string, policies: readonly unknown[]): number {
    const attached = this.inline.get(roleId) ?? [];
    const names = conditionsIn(policies);
    for (const entry of attached) {
      if (entry.condition !== undefined) names.add(entry.condition);
      conditionsIn(entry.properties, names);
    }
    let worst = 0;
    for (const truth of this.conditions.choices(names)) {
      const own = specialize(policies, truth);
      let total = policiesChars(Array.isArray(own) ? own : [], this.context, this.counting);
      for (const entry of attached) {
        if (entry.condition !== undefined && truth(entry.condition) === false) continue;
        total += inlinePolicyChars(specialize(entry.properties, truth), this.context, this.counting);
      }
      worst = Math.max(worst, total);
    }
    return worst;
  }
}

/** The roles of the template a `Roles` list or `RoleName` names: by reference (in any branch), or by their literal RoleName. */
function attachedRoles(value: unknown, roleIdsByName: ReadonlyMap<string, string>): string[] {
  const literals = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  const named = literals.flatMap((name) => roleIdsByName.get(name) ?? []);
  return [...new Set([...referencedIds(value), ...named])];
}
