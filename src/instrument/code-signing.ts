/**
 * Code signing: a function whose code signing config does not trust Datadog's signing profile cannot
 * get Datadog's layers. A config the template declares is made to trust it; any other is left to the
 * user, with the exact ARN to add.
 */
import { CANNOT_EDIT, editBranches, isIntrinsic, isObject, referencedLogicalId, shallowCopy, type Json } from "../intrinsics";
import { CODE_SIGNING_CONFIG, functionProperty, type FunctionModel } from "../model";
import type { Partition } from "../partitions";
import { CODE_SIGNING_BY_HAND, NO_SIGNING_PROFILE } from "../rules";
import type { InstrumentContext } from "./context";

/** Datadog's signing profile for its Lambda layers, per partition (Datadog's serverless docs). */
export const DATADOG_SIGNING_PROFILES: Partial<Record<Partition, string>> = {
  aws: "arn:aws:signer:us-east-1:464622532012:/signing-profiles/DatadogLambdaSigningProfile/9vMI9ZAGLc",
};

/** Lambda's limit on signing profiles per code signing config. */
export const MAX_SIGNING_PROFILES = 20;

export function trustDatadogLayers(fn: FunctionModel, ctx: InstrumentContext): void {
  const raw = functionProperty(fn, "CodeSigningConfigArn");
  if (raw === undefined) return;
  const profile = DATADOG_SIGNING_PROFILES[ctx.partition];
  if (profile === undefined) {
    ctx.warnings.warn(NO_SIGNING_PROFILE, { resource: fn.logicalId, partition: ctx.partition });
    return;
  }
  const configId = referencedLogicalId(raw, "CodeSigningConfigArn") ?? referencedLogicalId(raw);
  const config = configId === undefined ? undefined : ctx.draft.get(configId);
  if (configId === undefined || !isObject(config) || config.Type !== CODE_SIGNING_CONFIG) {
    ctx.warnings.warn(CODE_SIGNING_BY_HAND, { resource: fn.logicalId, why: "its code signing config is not declared in this template", profile });
    return;
  }
  const byHand = (why: string) => ctx.warnings.warn(CODE_SIGNING_BY_HAND, { resource: fn.logicalId, why: `${why} (config ${configId})`, profile });
  const properties = ctx.draft.editableProperties(configId);
  const publishers = properties?.AllowedPublishers;
  if (properties === undefined || !isObject(publishers) || isIntrinsic(publishers)) return byHand("its code signing config's AllowedPublishers cannot be edited");
  let full = false;
  const edited = editBranches(publishers.SigningProfileVersionArns, (branch) => {
    if (branch !== undefined && !Array.isArray(branch)) return CANNOT_EDIT;
    const list = (branch ?? []) as Json[];
    if (list.includes(profile)) return branch;
    if (list.length >= MAX_SIGNING_PROFILES) {
      full = true;
      return branch;
    }
    // The user's profiles keep their order; Datadog's comes last.
    return [...list, profile];
  });
  if (edited === CANNOT_EDIT) return byHand("its code signing config's SigningProfileVersionArns cannot be edited");
  if (full) byHand(`its code signing config already trusts ${MAX_SIGNING_PROFILES} profiles, Lambda's limit`);
  if (edited !== publishers.SigningProfileVersionArns) {
    const copy = shallowCopy(publishers);
    copy.SigningProfileVersionArns = edited as Json;
    properties.AllowedPublishers = copy;
  }
}
