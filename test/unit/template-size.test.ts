/**
 * CloudFormation's size limits on the processed template: E105 past 1,048,576 bytes (the transform
 * fails), I103 past 51,200 bytes (deploy through S3), judged on what the macro adds only.
 */
import fc from "fast-check";
import { jsonBytes, MAX_TEMPLATE_BODY_BYTES, MAX_TEMPLATE_BYTES } from "../../src/model/size";
import { SUMMARY_KEY } from "../../src/summary";
import { ALL_LAYERS, lambda, run, template } from "../helpers/macro";

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

/** A Python function and a padding resource holding `text`. */
const padded = (text: string) =>
  template({ CreateOrder: lambda({ Runtime: "python3.12", Handler: "app.handler" }), Padding: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { Text: text } } });

/** A template whose instrumented output is exactly `target` bytes (the padding is copied as it is, so the output grows with it byte for byte). */
function outputOf(target: number): Record<string, unknown> {
  const base = bytes(run(padded(""), ALL_LAYERS).fragment);
  return padded("x".repeat(target - base));
}

/** A template of exactly `target` bytes itself. */
const inputOf = (target: number) => padded("x".repeat(target - bytes(padded(""))));

describe("jsonBytes", () => {
  test("counts what JSON.stringify writes, in UTF-8 bytes", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonBytes(value) === bytes(value)), { numRuns: 300 });
    const awkward = { quote: '"\\', control: "\u0001\n", accents: "été", emoji: "🎉", lone: "\ud800", empty: [], none: {}, gone: undefined, list: [undefined, () => 1, 1e21, -0, NaN] };
    expect(jsonBytes(awkward)).toBe(bytes(awkward));
  });

  test("stops just past its cap (shared objects are not expanded), and walks any depth without recursion", () => {
    let shared: unknown = "leaf";
    for (let i = 0; i < 40; i++) shared = { a: shared, b: shared }; // 2^40 leaves as JSON
    expect(jsonBytes(shared, 1000)).toBeGreaterThan(1000);
    expect(jsonBytes(shared, 1000)).toBeLessThan(1100);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonBytes(deep)).toBe(200_001);
  });

  test("a value JSON.stringify cannot write is counted just past its cap, not thrown", () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    expect(jsonBytes(circular, 1000)).toBeGreaterThan(1000);
    expect(jsonBytes(circular, 1000)).toBeLessThan(1100);
  });

  test("objects that are not plain data count by their own members, as the walk always did", () => {
    // JSON.stringify would write these through toJSON or as the primitive they box.
    expect(jsonBytes({ at: new Date(0), boxed: new String("abc") })).toBe(bytes({ at: {}, boxed: { 0: "a", 1: "b", 2: "c" } }));
    expect(jsonBytes({ own: { toJSON: () => "replaced", kept: 1 } })).toBe(bytes({ own: { kept: 1 } }));
  });

  test("whatever the cap: the exact count up to it, a count past it beyond (never stopping early)", () => {
    const valueAndCap = fc.jsonValue().chain((value) => fc.tuple(fc.constant(value), fc.integer({ min: 0, max: bytes(value) + 2 })));
    fc.assert(
      fc.property(valueAndCap, ([value, cap]) => {
        const counted = jsonBytes(value, cap);
        return bytes(value) <= cap ? counted === bytes(value) : counted > cap;
      }),
      { numRuns: 500 },
    );
  });

  test("at, just under and just over its cap", () => {
    const value = { text: "x".repeat(100) }; // 111 bytes
    expect(jsonBytes(value, 111)).toBe(111);
    expect(jsonBytes(value, 112)).toBe(111);
    expect(jsonBytes(value, 110)).toBeGreaterThan(110);
  });
});

describe("E105: the processed template is past 1 MB", () => {
  test("an output of exactly 1,048,576 bytes passes", () => {
    const input = outputOf(MAX_TEMPLATE_BYTES);
    const outcome = run(input, ALL_LAYERS);
    expect(bytes(outcome.fragment)).toBe(MAX_TEMPLATE_BYTES);
    expect(outcome.ok).toBe(true);
    expect(outcome.errors).toEqual([]);
  });

  test("one byte under passes", () => {
    const outcome = run(outputOf(MAX_TEMPLATE_BYTES - 1), ALL_LAYERS);
    expect(bytes(outcome.fragment)).toBe(MAX_TEMPLATE_BYTES - 1);
    expect(outcome.ok).toBe(true);
  });

  test("one byte over fails, giving both sizes and what helps, and returns the fragment as received", () => {
    const input = outputOf(MAX_TEMPLATE_BYTES + 1);
    const before = bytes(input);
    const outcome = run(input, ALL_LAYERS);
    expect(outcome.ok).toBe(false);
    expect(outcome.fragment).toBe(input);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toContain(`[E105] The template is ${before} bytes and would be ${MAX_TEMPLATE_BYTES + 1} bytes`);
    expect(outcome.errors[0]).toContain(`CloudFormation allows ${MAX_TEMPLATE_BYTES}`);
    expect(outcome.errors[0]).toMatch(/nested stacks.*`exclude`/);
    expect(outcome.notes).toEqual([]);
  });

  test("an input already past 1 MB fails too, and the message says the excess is the template's own", () => {
    const input = inputOf(MAX_TEMPLATE_BYTES + 1);
    const outcome = run(input, ALL_LAYERS);
    expect(outcome.ok).toBe(false);
    expect(outcome.fragment).toBe(input);
    expect(outcome.errors).toEqual([expect.stringMatching(/^\[E105\] The template is already \d+ bytes .* before the macro's additions, but CloudFormation allows 1048576: the deploy would fail whatever the macro does/)]);
  });

  test("a template the macro leaves as it is is judged too: past 1 MB it cannot deploy", () => {
    const input = { Resources: { Padding: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { Text: "x".repeat(MAX_TEMPLATE_BYTES) } } } };
    const outcome = run(input, ALL_LAYERS);
    expect(outcome.ok).toBe(false);
    expect(outcome.errors[0]).toMatch(/^\[E105\] The template is already/);
    const under = { Resources: { Padding: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { Text: "x".repeat(MAX_TEMPLATE_BYTES - 200) } } } };
    const fine = run(under, ALL_LAYERS);
    expect(fine.ok).toBe(true);
    expect(fine.fragment).toBe(under);
  });
});

describe("I103: past 51,200 bytes, the template must go through S3", () => {
  const notes = (input: unknown) => run(input, ALL_LAYERS).notes.filter((note) => note.startsWith("[I103]"));

  test("at exactly 51,200 bytes no note; one byte over, a note with both sizes and how to deploy", () => {
    expect(bytes(run(outputOf(MAX_TEMPLATE_BODY_BYTES), ALL_LAYERS).fragment)).toBe(MAX_TEMPLATE_BODY_BYTES);
    expect(notes(outputOf(MAX_TEMPLATE_BODY_BYTES))).toEqual([]);
    expect(notes(outputOf(MAX_TEMPLATE_BODY_BYTES - 1))).toEqual([]);
    const over = outputOf(MAX_TEMPLATE_BODY_BYTES + 1);
    const [note] = notes(over);
    expect(note).toContain(`The template is ${bytes(over)} bytes and becomes ${MAX_TEMPLATE_BODY_BYTES + 1} bytes`);
    expect(note).toMatch(/--s3-bucket.*--template-url/);
    expect(run(over, ALL_LAYERS).ok).toBe(true);
  });

  test("no note when the input was already past 51,200 bytes", () => {
    expect(notes(inputOf(MAX_TEMPLATE_BODY_BYTES + 1))).toEqual([]);
  });

  test("an input of exactly 51,200 bytes (the input counted only up to that limit) gets the note, with its size", () => {
    const [note] = notes(inputOf(MAX_TEMPLATE_BODY_BYTES));
    expect(note).toMatch(/^\[I103\]/);
    expect(note).toContain(String(MAX_TEMPLATE_BODY_BYTES));
  });

  test("the note stays out of the Metadata summary, so a second run changes nothing", () => {
    const once = run(outputOf(MAX_TEMPLATE_BODY_BYTES + 1), ALL_LAYERS);
    expect(once.notes.some((note) => note.startsWith("[I103]"))).toBe(true);
    expect(JSON.stringify((once.fragment as any).Metadata[SUMMARY_KEY])).not.toContain("I103");
    const twice = run(once.fragment, ALL_LAYERS);
    expect(JSON.stringify(twice.fragment)).toBe(JSON.stringify(once.fragment));
  });
});
