/** Building intrinsic functions: every module that writes one into a template uses these. */
import type { Json } from "./json";
import { NO_VALUE } from "./read";

export const ref = (name: string): Json => ({ Ref: name });
export const noValue = (): Json => ({ Ref: NO_VALUE });
export const getAtt = (logicalId: string, attribute: string): Json => ({ "Fn::GetAtt": [logicalId, attribute] });
/** `Fn::Sub` of a string, or with its own variables. */
export const sub = (text: string, variables?: Record<string, Json>): Json => (variables ? { "Fn::Sub": [text, variables] } : { "Fn::Sub": text });
export const join = (separator: string, parts: Json[]): Json => ({ "Fn::Join": [separator, parts] });
/** `Fn::If`; an undefined branch is `AWS::NoValue`. */
export const ifCondition = (condition: string, whenTrue: Json | undefined, whenFalse: Json | undefined): Json => ({
  "Fn::If": [condition, whenTrue === undefined ? noValue() : whenTrue, whenFalse === undefined ? noValue() : whenFalse],
});
/** A condition that holds when all of `conditions` do. */
export const andConditions = (conditions: string[]): Json => ({ "Fn::And": conditions.map((name) => ({ Condition: name })) });
/** Text for `Fn::Sub` that stands for `text` itself (`${` escaped as `${!`). */
export const subLiteral = (text: string): string => text.split("${").join("${!");
