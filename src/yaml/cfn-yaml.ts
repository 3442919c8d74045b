/**
 * CloudFormation YAML: reads short tags (`!Ref`, `!Sub`, `!GetAtt`, `!If`, ...) into the JSON form, and
 * writes intrinsics back as short tags. Output is YAML 1.1, so strings such as 2010-09-09 or "yes" stay
 * quoted for every parser.
 *
 * A low module: it imports nothing from the rest of src/, so the CLI and the macro stack can both use it.
 */
import { Document, isMap, isScalar, isSeq, Pair, parse, Scalar, visit, YAMLMap, type Tags, type YAMLSeq } from "yaml";

/**
 * The most alias expansions a template may make, as the yaml library counts them (an alias of a node
 * that itself holds aliases counts that many times). The library's default: a template may reuse an
 * anchor a hundred times, while a "billion laughs" document (anchors nesting aliases of one another)
 * is refused as soon as it starts to multiply, instead of expanding to gigabytes.
 */
export const MAX_ALIAS_COUNT = 100;

const FUNCTIONS = [
  "Base64", "Cidr", "FindInMap", "ForEach", "GetAZs", "If", "ImportValue", "Join", "Length", "Select", "Split",
  "Sub", "ToJsonString", "Transform", "And", "Equals", "Not", "Or",
];
const SHORT_NAMES = ["Ref", "Condition", "GetAtt", ...FUNCTIONS];

const keyOf = (name: string) => (name === "Ref" || name === "Condition" ? name : `Fn::${name}`);

function intrinsic(name: string, value: string): Record<string, unknown> {
  if (name === "GetAtt") {
    const dot = value.indexOf(".");
    return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [keyOf(name)]: value };
}

/**
 * A tagged list or map (`!Sub [...]`, `!If [...]`) becomes the node `{Fn::Sub: [...]}` rather than a
 * JavaScript value: the library then converts its content like any other node, so aliases inside it
 * resolve (and count against MAX_ALIAS_COUNT) instead of turning into `{source: <anchor>}`.
 */
function wrapped(name: string, collection: YAMLSeq | YAMLMap): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(keyOf(name)), collection));
  return map;
}

function tagsFor(name: string): Tags {
  return [
    { tag: `!${name}`, resolve: (value: string) => intrinsic(name, value) },
    { tag: `!${name}`, collection: "seq", resolve: (seq: YAMLSeq) => wrapped(name, seq) },
    { tag: `!${name}`, collection: "map", resolve: (map: YAMLMap) => wrapped(name, map) },
  ] as Tags;
}

const CLOUDFORMATION_TAGS: Tags = SHORT_NAMES.flatMap(tagsFor);
const SHORT_BY_KEY = new Map(SHORT_NAMES.map((name) => [keyOf(name), name]));

/**
 * Reads a YAML or JSON template into plain JSON data. Every node is its own object (an alias gives a
 * copy of its anchor, not the same object), so editing one place never changes another. Throws an
 * Error whose message says what is wrong (with a line and column for syntax errors).
 */
export function parseTemplate(text: string): unknown {
  let data: unknown;
  try {
    data = parse(text, { customTags: CLOUDFORMATION_TAGS, maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /excessive alias count/i.test(error.message)) {
      throw new Error(
        `its YAML aliases expand too much (the limit is ${MAX_ALIAS_COUNT} expansions, an alias of an anchor that itself ` +
          "holds aliases counting once for each of them), as in a YAML alias bomb; write the repeated parts out instead",
      );
    }
    throw error;
  }
  // A JSON round trip: aliases become independent copies; its size is bounded by MAX_ALIAS_COUNT.
  return data === undefined ? null : JSON.parse(JSON.stringify(data));
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
