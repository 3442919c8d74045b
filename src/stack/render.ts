/** template.yml as text: the macro stack with a header saying how to install it. */
import { MACRO_NAME } from "../version";
import { printTemplate } from "../yaml/cfn-yaml";
import { macroStack, type CodeLocation } from "./macro-stack";

const HEADER = `# The ${MACRO_NAME} macro stack: install it once per region (README.md, "Install").
#   npm ci && npm run build
#   scripts/package.sh BUCKET [PREFIX]        # uploads dist/macro.zip, writes packaged.yml
#   aws cloudformation create-stack --stack-name datadog-serverless-macro --template-body file://packaged.yml \\
#     --capabilities CAPABILITY_AUTO_EXPAND CAPABILITY_IAM
# Generated from src/stack/macro-stack.ts by \`npm run generate\`: edit that file, not this one.
`;

export function renderMacroStack(version: string, code: CodeLocation = {}): string {
  return HEADER + printTemplate(macroStack(version, code), "yaml");
}
