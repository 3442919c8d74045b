import { parseTemplate, printTemplate } from "../../src/cli/cfn-yaml";

describe("CloudFormation YAML", () => {
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      F: {
        Type: "AWS::Lambda::Function",
        Properties: {
          Role: { "Fn::GetAtt": ["Role", "Arn"] },
          Handler: { "Fn::If": ["Prod", { Ref: "ProdHandler" }, { "Fn::Sub": ["${A}.h", { A: { Ref: "AWS::Region" } }] }] },
          Layers: { "Fn::Split": [",", { "Fn::ImportValue": "layers" }] },
          Environment: { Variables: { ON: "yes", VERSION: "1.0", REF: "Ref" } },
          Tags: [{ Key: "Ref", Value: "not an intrinsic: two keys" }],
        },
      },
    },
  };

  test("writes intrinsics as short tags and reads them back unchanged", () => {
    const text = printTemplate(template, "yaml");
    expect(text).toContain("Role: !GetAtt Role.Arn");
    expect(text).toContain("Handler: !If");
    expect(text).toContain("- !Ref ProdHandler");
    expect(text).toMatch(/"ON": "yes"/); // YAML 1.1 booleans stay strings, keys included
    expect(parseTemplate(text)).toEqual(template);
  });

  test("reads JSON too", () => {
    expect(parseTemplate(printTemplate(template, "json"))).toEqual(template);
  });
});
