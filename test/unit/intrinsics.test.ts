import { CANNOT_EDIT, editBranches, referencedLogicalId, resolve, resolveString, templateString, type TemplateContext } from "../../src/intrinsics";

const context: TemplateContext = {
  parameterValues: { Given: "python3.12" },
  parameterDeclarations: { Given: { Type: "String", Default: "python3.9" }, WithDefault: { Type: "String", Default: "nodejs20.x" }, NoDefault: { Type: "String" } },
  mappings: { Runtimes: { Python: { Latest: "python3.13" } } },
};

describe("resolve", () => {
  test("returns literals as they are", () => {
    expect(resolve("python3.12", context)).toEqual({ known: true, value: "python3.12" });
    expect(resolve(["arm64"], context)).toEqual({ known: true, value: ["arm64"] });
  });
  test("resolves Ref to a template parameter from the deploy-time values first, then the Default", () => {
    expect(resolveString({ Ref: "Given" }, context)).toBe("python3.12");
    expect(resolveString({ Ref: "WithDefault" }, context)).toBe("nodejs20.x");
    expect(resolve({ Ref: "NoDefault" }, context).known).toBe(false);
    expect(resolve({ Ref: "SomeResource" }, context).known).toBe(false);
  });
  test("resolves Fn::If only when both branches agree", () => {
    expect(resolveString({ "Fn::If": ["C", "python3.12", { Ref: "Given" }] }, context)).toBe("python3.12");
    expect(resolve({ "Fn::If": ["C", "python3.12", "python3.11"] }, context).known).toBe(false);
  });
  test("resolves Fn::FindInMap with resolvable keys and Fn::Sub without variables", () => {
    expect(resolveString({ "Fn::FindInMap": ["Runtimes", "Python", "Latest"] }, context)).toBe("python3.13");
    expect(resolve({ "Fn::FindInMap": ["Runtimes", "Python", "Missing"] }, context).known).toBe(false);
    expect(resolveString({ "Fn::Sub": "python3.12" }, context)).toBe("python3.12");
    expect(resolve({ "Fn::Sub": "python${V}" }, context).known).toBe(false);
  });
  test("does not resolve objects that contain intrinsics or other functions", () => {
    expect(resolve({ "Fn::GetAtt": ["R", "Arn"] }, context).known).toBe(false);
    expect(resolve([{ Ref: "AWS::Region" }], context).known).toBe(false);
  });
});

describe("editBranches", () => {
  const addOne = (branch: unknown) => [...((branch as unknown[]) ?? []), "added"];
  test("edits a literal, and an absent value as undefined", () => {
    expect(editBranches(["a"], addOne)).toEqual(["a", "added"]);
    expect(editBranches(undefined, addOne)).toEqual(["added"]);
  });
  test("edits both branches of nested Fn::If, turning AWS::NoValue into a value", () => {
    const value = { "Fn::If": ["A", ["x"], { "Fn::If": ["B", { Ref: "AWS::NoValue" }, ["y"]] }] };
    expect(editBranches(value, addOne)).toEqual({
      "Fn::If": ["A", ["x", "added"], { "Fn::If": ["B", ["added"], ["y", "added"]] }],
    });
  });
  test("refuses other intrinsics", () => {
    expect(editBranches({ Ref: "LayersParameter" }, addOne)).toBe(CANNOT_EDIT);
    expect(editBranches({ "Fn::If": ["A", ["x"], { "Fn::Split": [",", "a,b"] }] }, addOne)).toBe(CANNOT_EDIT);
  });
  test("returns the very same value when no branch changed, so callers need not compare contents", () => {
    const value = { "Fn::If": ["A", ["x"], { Ref: "AWS::NoValue" }] };
    expect(editBranches(value, (branch) => branch)).toBe(value);
    expect(editBranches(undefined, () => undefined)).toBeUndefined();
  });
});

describe("referencedLogicalId", () => {
  test("reads GetAtt in list and dotted form, and Sub of a single attribute", () => {
    expect(referencedLogicalId({ "Fn::GetAtt": ["MyRole", "Arn"] }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::GetAtt": "MyRole.Arn" }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::Sub": "${MyRole.Arn}" }, "Arn")).toBe("MyRole");
    expect(referencedLogicalId({ "Fn::GetAtt": ["MyRole", "RoleId"] }, "Arn")).toBeUndefined();
    expect(referencedLogicalId("arn:aws:iam::1:role/x", "Arn")).toBeUndefined();
  });
});

describe("pseudo parameters, Fn::Join and Fn::Sub", () => {
  const withPseudo: TemplateContext = { ...context, pseudoParameters: { "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws" } };
  test("resolve what the macro request tells", () => {
    expect(resolveString({ Ref: "AWS::Region" }, withPseudo)).toBe("eu-west-1");
    expect(resolve({ Ref: "AWS::StackName" }, withPseudo).known).toBe(false);
  });
  test("Fn::Join of resolvable parts, as CDK writes `${stack.region}` in strings", () => {
    const join = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":secretsmanager:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":secret:dd"]] };
    expect(resolveString(join, withPseudo)).toBe("arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd");
    expect(resolve({ "Fn::Join": ["", ["a", { "Fn::GetAtt": ["X", "Arn"] }]] }, withPseudo).known).toBe(false);
  });
  test("Fn::Sub with parameters, its own variables and escapes", () => {
    expect(resolveString({ "Fn::Sub": "${AWS::Region}-${Given}" }, withPseudo)).toBe("eu-west-1-python3.12");
    expect(resolveString({ "Fn::Sub": ["${A}/${!Literal}", { A: { Ref: "AWS::AccountId" } }] }, withPseudo)).toBe("123456789012/${Literal}");
    expect(resolve({ "Fn::Sub": "${Bucket.Arn}" }, withPseudo).known).toBe(false);
  });
});

describe("templateString", () => {
  test("reads Sub, Join and Ref alike, resolving what can be resolved and keeping ${Name} for the rest", () => {
    expect(templateString({ "Fn::Sub": "/aws/lambda/${Fn}" }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Join": ["", ["/aws/lambda/", { Ref: "Fn" }]] }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Sub": "/logs/${Given}" }, context)).toBe("/logs/python3.12");
  });
  test("Fn::Sub with a variable map reads each variable as its value's template string", () => {
    expect(templateString({ "Fn::Sub": ["/aws/lambda/${Name}", { Name: { Ref: "Fn" } }] }, context)).toBe("/aws/lambda/${Fn}");
    expect(templateString({ "Fn::Sub": ["/${A}/${Given}", { A: { "Fn::Join": ["-", ["x", { Ref: "Given" }]] } }] }, context)).toBe("/x-python3.12/python3.12");
    // A variable whose value has no template string makes the whole unreadable.
    expect(templateString({ "Fn::Sub": ["/${A}", { A: { "Fn::GetAZs": "" } }] }, context)).toBeUndefined();
    expect(templateString({ "Fn::Sub": ["/${A}", "not a map"] }, context)).toBeUndefined();
  });
});
