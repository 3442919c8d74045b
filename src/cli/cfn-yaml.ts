/**
 * Reads CloudFormation YAML, short tags included (`!Ref`, `!Sub`, `!GetAtt`, `!If`, ...), into the JSON form.
 * Output is written as YAML 1.1 so that strings such as 2010-09-09 or "yes" stay quoted for every parser.
 */
import { parse, stringify, type Tags, type YAMLMap, type YAMLSeq } from "yaml";

const FUNCTIONS = [
  "Base64", "Cidr", "FindInMap", "ForEach", "GetAZs", "If", "ImportValue", "Join", "Length", "Select", "Split",
  "Sub", "ToJsonString", "Transform", "And", "Equals", "Not", "Or",
];

function intrinsic(name: string, value: unknown): Record<string, unknown> {
  if (name === "GetAtt" && typeof value === "string") {
    const dot = value.indexOf(".");
    return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  return { [key]: value };
}

function tagsFor(name: string): Tags {
  return [
    { tag: `!${name}`, resolve: (value: string) => intrinsic(name, value) },
    { tag: `!${name}`, collection: "seq", resolve: (seq: YAMLSeq) => intrinsic(name, seq.toJSON()) },
    { tag: `!${name}`, collection: "map", resolve: (map: YAMLMap) => intrinsic(name, map.toJSON()) },
  ] as Tags;
}

const CLOUDFORMATION_TAGS: Tags = ["Ref", "Condition", "GetAtt", ...FUNCTIONS].flatMap(tagsFor);

export function parseTemplate(text: string): unknown {
  return parse(text, { customTags: CLOUDFORMATION_TAGS, maxAliasCount: -1 });
}

export function printTemplate(template: unknown, format: "yaml" | "json"): string {
  return format === "json" ? `${JSON.stringify(template, null, 2)}\n` : stringify(template, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" });
}
