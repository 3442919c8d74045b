/**
 * The output template, written copy-on-write: the fragment as received is never changed (a failure,
 * even an internal error, returns it as it was), and unchanged parts are shared, not copied.
 * `add` is the one gate through which the macro adds a resource: it picks a free, deterministic logical
 * id, carries the owner's `Condition`, and recognises its own resource from an earlier run.
 */
import { andConditions, copyLargeMap, hasOwn, isIntrinsic, isObject, own, sameJson, setOwn, shallowCopy, type Json, type JsonObject } from "../intrinsics";

/** CloudFormation's limit on a logical id's length. */
const MAX_LOGICAL_ID = 255;

export interface Addition {
  /** The logical id of the resource it serves: the new id starts with it, and it carries its Condition. */
  owner: string;
  /** The owner names no resource of the template (a log group known by name): no Condition to carry from it. */
  standalone?: boolean;
  /** The owner's Condition when the owner is not (yet) in the template: SAM's implicit API. */
  ownerCondition?: string;
  /** What it is, ending the new id: `LogGroup`, `DatadogSubscription`, `Role`... */
  suffix: string;
  resource: JsonObject;
  /** Other resources it refers to, whose Conditions it must carry too. */
  refersTo?: string[];
}

export class TemplateDraft {
  private resources?: JsonObject;
  private conditions?: JsonObject;
  private globals?: JsonObject;
  private readonly writableGlobals = new Set<string>();
  /** Resources already copied (or added) in the draft: writable in place. */
  private readonly writable = new Set<string>();
  private addedCount = 0;
  private lastId?: string;
  private lastProperties?: JsonObject;

  constructor(
    private readonly fragment: JsonObject,
    private readonly input: JsonObject,
  ) {}

  /** The resource as it currently stands in the draft (the input's until edited). */
  get(logicalId: string): unknown {
    return own(this.resources ?? this.input, logicalId);
  }

  /** The `Condition` of a resource of the template. */
  conditionOf(logicalId: string): string | undefined {
    const condition = own(this.get(logicalId), "Condition");
    return typeof condition === "string" ? condition : undefined;
  }

  /**
   * A writable copy of the resource's `Properties` (created when absent). Only for resources whose
   * Properties is a map or absent: the model marks the others uneditable.
   */
  properties(logicalId: string): JsonObject {
    // Steps write one resource after another: the last one's Properties are asked for again and again.
    if (logicalId === this.lastId && this.lastProperties !== undefined) return this.lastProperties;
    const resource = this.resource(logicalId);
    if (!isObject(resource.Properties) || isIntrinsic(resource.Properties)) {
      if (resource.Properties !== undefined) throw new Error(`${logicalId} has no editable Properties`);
      resource.Properties = {};
    }
    this.lastId = logicalId;
    this.lastProperties = resource.Properties as JsonObject;
    return this.lastProperties;
  }

  /** A writable copy of the resource, its Properties copied too. */
  resource(logicalId: string): JsonObject {
    const resources = this.ownResources();
    const current = own(resources, logicalId);
    if (!isObject(current)) throw new Error(`${logicalId} is not a resource of the template`);
    if (this.writable.has(logicalId)) return current;
    const copy = shallowCopy(current);
    if (isObject(copy.Properties) && !isIntrinsic(copy.Properties)) copy.Properties = shallowCopy(copy.Properties);
    setOwn(resources, logicalId, copy);
    this.writable.add(logicalId);
    return copy;
  }

  /** `properties`, or undefined when the resource's Properties is an intrinsic function (or not a map). */
  editableProperties(logicalId: string): JsonObject | undefined {
    const properties = own(this.get(logicalId), "Properties");
    if (properties !== undefined && (!isObject(properties) || isIntrinsic(properties))) return undefined;
    return this.properties(logicalId);
  }

  /**
   * A writable copy of a SAM `Globals` section (created when absent), or undefined when `Globals` or
   * the section is not a map the macro can edit.
   */
  globalsSection(name: string): JsonObject | undefined {
    const current = this.fragment.Globals;
    if (current !== undefined && (!isObject(current) || isIntrinsic(current))) return undefined;
    const globals = (this.globals ??= isObject(current) ? shallowCopy(current) : {});
    const section = own(globals, name);
    if (this.writableGlobals.has(name)) return section as JsonObject;
    if (section !== undefined && (!isObject(section) || isIntrinsic(section))) return undefined;
    const copy = isObject(section) ? shallowCopy(section) : {};
    setOwn(globals, name, copy);
    this.writableGlobals.add(name);
    return copy;
  }

  /** Makes a resource the macro instruments wait for one it added (`DependsOn`), keeping what it already waits for. */
  dependOn(logicalId: string, dependency: string): void {
    const current = own(this.get(logicalId), "DependsOn");
    const list = current === undefined ? [] : typeof current === "string" ? [current] : Array.isArray(current) ? current : undefined;
    if (list === undefined || list.includes(dependency)) return;
    this.resource(logicalId).DependsOn = list.length === 0 ? dependency : [...list, dependency];
  }

  /** Adds a resource through the gate; returns its logical id. */
  add(addition: Addition): string {
    const { id, proposed, exists } = this.place(addition);
    if (!exists) {
      setOwn(this.ownResources(), id, proposed);
      this.writable.add(id);
      this.addedCount++;
    }
    return id;
  }

  /** The logical id under which an earlier run of the macro added this very resource, if it did. */
  find(addition: Addition): string | undefined {
    const { id, exists } = this.place(addition);
    return exists ? id : undefined;
  }

  /** Where the gate puts an addition: the resource as proposed, and its id, taken already by the same resource or free. */
  private place(addition: Addition): { id: string; proposed: JsonObject; exists: boolean } {
    // Read only: finding an earlier addition must not make the draft differ from the input.
    const resources = this.resources ?? this.input;
    const conditions = [addition.standalone ? undefined : (addition.ownerCondition ?? this.conditionOf(addition.owner)), ...(addition.refersTo ?? []).map((id) => this.conditionOf(id))];
    const condition = this.combinedCondition(addition.owner, conditions);
    const proposed: JsonObject = condition === undefined ? addition.resource : { ...addition.resource, Condition: condition };
    const base = logicalIdBase(addition.owner, addition.suffix);
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}${n}`;
      const existing = own(resources, id);
      // The same resource under that id: added by an earlier run of the macro (idempotence).
      if (existing !== undefined && sameJson(existing, proposed)) return { id, proposed, exists: true };
      // Resources and Parameters share one namespace (a `Ref` names either).
      if (existing === undefined && own(this.fragment.Parameters, id) === undefined) return { id, proposed, exists: false };
    }
  }

  /** How many resources the draft adds to the template. */
  get added(): number {
    return this.addedCount;
  }

  /** True when the draft differs from the input (a resource or condition written). */
  get changed(): boolean {
    return this.resources !== undefined || this.conditions !== undefined || this.globals !== undefined;
  }

  /**
   * The output fragment: the input itself when nothing was changed. `metadata`, when given, is set
   * under that key of the template's `Metadata` (the rest of it kept).
   */
  result(metadata?: { key: string; value: Json }): JsonObject {
    if (!this.changed && metadata === undefined) return this.fragment;
    const out = shallowCopy(this.fragment);
    if (this.resources !== undefined) out.Resources = this.resources;
    if (this.conditions !== undefined) out.Conditions = this.conditions;
    if (this.globals !== undefined) out.Globals = this.globals;
    // A template Metadata that is not a map (an intrinsic, a scalar) is the user's: no summary beside it.
    const existing = this.fragment.Metadata;
    if (metadata !== undefined && (existing === undefined || (isObject(existing) && !isIntrinsic(existing)))) {
      const current = isObject(existing) ? shallowCopy(existing) : {};
      setOwn(current, metadata.key, metadata.value);
      out.Metadata = current;
    }
    return out;
  }

  private ownResources(): JsonObject {
    this.resources ??= copyLargeMap(this.input);
    return this.resources;
  }

  /** One condition name for all of `names` (an added `Fn::And` when there are several), or none. */
  private combinedCondition(owner: string, names: (string | undefined)[]): string | undefined {
    const distinct = [...new Set(names.filter((name): name is string => name !== undefined))];
    if (distinct.length <= 1) return distinct[0];
    this.conditions ??= isObject(this.fragment.Conditions) ? shallowCopy(this.fragment.Conditions) : {};
    const proposed = andConditions(distinct.slice(0, 10));
    const base = logicalIdBase(owner, "DatadogCondition");
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}${n}`;
      if (!hasOwn(this.conditions, id)) {
        this.conditions[id] = proposed as Json;
        return id;
      }
      if (sameJson(this.conditions[id], proposed)) return id;
    }
  }
}

/**
 * `<owner><suffix>`, letters and digits only, within CloudFormation's length limit: a long owner id is
 * shortened and a hash of it keeps the result unique and stable.
 */
export function logicalIdBase(owner: string, suffix: string): string {
  const clean = owner.replace(/[^A-Za-z0-9]/g, "");
  const room = MAX_LOGICAL_ID - suffix.length - 4; // 4: room for a counter on collisions
  if (clean.length <= room && clean === owner) return `${clean}${suffix}`;
  const hash = stableHash(owner);
  return `${clean.slice(0, room - hash.length)}${hash}${suffix}`;
}

/** A short deterministic hash (FNV-1a, 32 bits) in hexadecimal upper case. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).toUpperCase().padStart(8, "0");
}
