/**
 * CloudFormation YAML: reads short tags (`!Ref`, `!Sub`, `!GetAtt`, `!If`, ...) into the JSON form, and
 * writes intrinsics back as short tags. Output is YAML 1.1, so strings such as 2010-09-09 or "yes" stay
 * quoted for every parser.
 */
import { Document, isMap, isScalar, isSeq, parse, visit, type Tags, type YAMLMap, type YAMLSeq } from "yaml";

const FUNCTIONS = [
  "Base64", "Cidr", "FindInMap", "ForEach", "GetAZs", "If", "ImportValue", "Join", "Length", "Select", "Split",
  "Sub", "ToJsonString", "Transform", "And", "Equals", "Not", "Or",
];
const SHORT_NAMES = ["Ref", "Condition", "GetAtt", ...FUNCTIONS];

const keyOf = (name: string) => (name === "Ref" || name === "Condition" ? name : `Fn::${name}`);

function intrinsic(name: string, value: unknown): Record<string, unknown> {
  if (name === "GetAtt" && typeof value === "string") {
    const dot = value.indexOf(".");
    return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [keyOf(name)]: value };
}

function tagsFor(name: string): Tags {
  return [
    { tag: `!${name}`, resolve: (value: string) => intrinsic(name, value) },
    { tag: `!${name}`, collection: "seq", resolve: (seq: YAMLSeq) => intrinsic(name, seq.toJSON()) },
    { tag: `!${name}`, collection: "map", resolve: (map: YAMLMap) => intrinsic(name, map.toJSON()) },
  ] as Tags;
}

const CLOUDFORMATION_TAGS: Tags = SHORT_NAMES.flatMap(tagsFor);
const SHORT_BY_KEY = new Map(SHORT_NAMES.map((name) => [keyOf(name), name]));

export function parseTemplate(text: string): unknown {
  return parse(text, { customTags: CLOUDFORMATION_TAGS, maxAliasCount: -1 });
}

export function printTemplate(template: unknown, format: "yaml" | "json"): string {
  if (format === "json") return `${JSON.stringify(template, null, 2)}\n`;
  const doc = new Document(template, { version: "1.1", aliasDuplicateObjects: false });
  // A one-key map {Ref: x} / {"Fn::Sub": ...} becomes the tagged value itself: !Ref x, !Sub ...
  visit(doc, {
    Map(_key, node) {
      if (node.items.length !== 1) return undefined;
      const [pair] = node.items;
      const name = isScalar(pair.key) ? SHORT_BY_KEY.get(String(pair.key.value)) : undefined;
      const value = pair.value;
      if (name === undefined || !(isScalar(value) || isSeq(value) || isMap(value))) return undefined;
      // GetAtt reads best dotted: !GetAtt Role.Arn
      if (name === "GetAtt" && isSeq(value) && value.items.length === 2 && value.items.every((item) => isScalar(item) && typeof item.value === "string")) {
        const dotted = doc.createNode(value.items.map((item) => (item as { value: string }).value).join("."));
        dotted.tag = "!GetAtt";
        return dotted;
      }
      value.tag = `!${name}`;
      return value;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
