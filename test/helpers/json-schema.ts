/**
 * A small JSON Schema validator for the resource type schemas of the CloudFormation registry: `type`,
 * `required`, `properties`, `additionalProperties: false`, `enum`, `items`, `minimum`/`maximum`, `oneOf`
 * and local `$ref`s. Enough to hold what the macro writes against a published type's schema; not a general
 * validator. A value that is an intrinsic function (`{ "Fn::...": ... }` or `{ Ref }`) is accepted
 * wherever a value is: CloudFormation resolves it before the type sees it.
 */
type Schema = Record<string, any>;

const isIntrinsic = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::\w+)$/.test(Object.keys(value)[0]);

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The problems of `value` against `schema` (`root` holds the definitions `$ref`s point at), as `path: problem`. */
export function validate(value: unknown, schema: Schema, root: Schema = schema, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce((node: Schema, key: string) => node?.[key], root);
    if (target === undefined) return [`${path}: unresolved $ref ${schema.$ref}`];
    return validate(value, { ...target, ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$ref")) }, root, path);
  }
  if (isIntrinsic(value)) return [];
  const problems: string[] = [];
  if (schema.oneOf) {
    const matching = (schema.oneOf as Schema[]).filter((option) => validate(value, option, root, path).length === 0);
    if (matching.length !== 1) problems.push(`${path}: matches ${matching.length} of oneOf's schemas, not exactly one`);
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number"))) return [...problems, `${path}: is ${actual}, expected ${types.join(" or ")}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...validate(item, schema.items, root, `${path}[${i}]`)));
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) problems.push(`${path}: required property ${name} is missing`);
    const properties: Schema = schema.properties ?? {};
    for (const [name, item] of Object.entries(object)) {
      if (name in properties) problems.push(...validate(item, properties[name], root, `${path}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: property ${name} is not allowed`);
    }
  }
  return problems;
}

/**
 * The problems of a resource's `Properties` against a registry type's schema, leaving out what the
 * type sets itself (its `readOnlyProperties`, which a template may not give).
 */
export function validateResourceProperties(properties: unknown, typeSchema: Schema): string[] {
  const readOnly = new Set(((typeSchema.readOnlyProperties as string[] | undefined) ?? []).map((pointer) => pointer.replace(/^\/properties\//, "")));
  const given = Object.keys((properties ?? {}) as object).filter((name) => readOnly.has(name));
  return [...given.map((name) => `$.${name}: read-only, set by the type`), ...validate(properties, typeSchema, typeSchema)];
}
