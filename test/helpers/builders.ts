/**
 * Resource and template builders the unit suites share. Each takes the properties a test adds or
 * replaces, so a test shows only what matters to it.
 */
import { lambda, template } from "./macro";

export const FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder";
/** The Step Functions service integration that invokes a Lambda function. */
export const INVOKE = "arn:aws:states:::lambda:invoke";
export const NO_VALUE = { Ref: "AWS::NoValue" };

/** A Python 3.12 Lambda function. */
export const python = (properties: Record<string, unknown> = {}) => lambda({ Runtime: "python3.12", Handler: "app.handler", ...properties });

/** A Node.js 22 Lambda function. */
export const node = (properties: Record<string, unknown> = {}) => lambda({ Runtime: "nodejs22.x", Handler: "index.handler", ...properties });

/** A Python 3.12 `AWS::Serverless::Function`. */
export const samFunction = (properties: Record<string, unknown> = {}) => ({
  Type: "AWS::Serverless::Function",
  Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "src/", ...properties },
});

/** A SAM template (the Serverless transform declared) with these resources and `Globals.Function`. */
export const samTemplate = (resources: Record<string, unknown>, functionGlobals: Record<string, unknown> = {}) =>
  template(resources, { Transform: "AWS::Serverless-2016-10-31", Globals: { Function: functionGlobals } });

/** A definition of one Pass state: nothing for the macro to rewrite. */
export const PASS_DEFINITION = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };

/** A definition of one step that invokes the Lambda function `functionName` with the state's input. */
export const invokeDefinition = (functionName: string) => ({
  StartAt: "Call",
  States: { Call: { Type: "Task", Resource: INVOKE, Parameters: { FunctionName: functionName, "Payload.$": "$" }, End: true } },
});

export interface StateMachineOptions {
  /** The function the default definition invokes. */
  invokes?: string;
  /** False: Properties hold only what the test gives (no RoleArn, so the macro makes a role; no default Definition). */
  defaults?: boolean;
}

/** An `AWS::StepFunctions::StateMachine`, by default run by the template's Role and invoking function `f` in one step. */
export function stateMachine(properties: Record<string, unknown> = {}, { invokes = "f", defaults = true }: StateMachineOptions = {}) {
  const base = defaults ? { RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, Definition: invokeDefinition(invokes) } : {};
  return { Type: "AWS::StepFunctions::StateMachine", Properties: { ...base, ...properties } };
}

/** A state machine without RoleArn (so the macro adds its role) whose definition has nothing to rewrite. */
export const rolelessMachine = () => stateMachine({ Definition: PASS_DEFINITION }, { defaults: false });

/** Two Conditions that never hold together: `C` (on a parameter with no value yet, so either may) and its negation `NotC`. */
export const EXCLUSIVE_CONDITIONS = {
  Parameters: { Stage: { Type: "String", AllowedValues: ["prod", "dev"] } },
  Conditions: { C: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] }, NotC: { "Fn::Not": [{ Condition: "C" }] } },
};
