/** `node dist/cli.js transform <template>`: the macro's core, run offline on a local template. */
import { readFileSync } from "node:fs";
import { isObject } from "../intrinsics";
import { formatErrors } from "../errors";
import { offlineAccountView } from "../lookup/account-view";
import { transformWithLookups } from "../transform";
import { MACRO_VERSION } from "../version";
import { parseArgs, USAGE } from "./args";
import { parseTemplate, printTemplate } from "./cfn-yaml";
import type { CodeLocation } from "../stack/macro-stack";
import { renderMacroStack } from "../stack/render";

export const MACRO_NAME = "DatadogServerless";

/** The `Parameters` of the template's own `{Name: DatadogServerless}` Transform entry. */
export function transformParameters(template: unknown): Record<string, unknown> | undefined {
  if (!isObject(template)) return undefined;
  const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  for (const entry of transforms) {
    if (entry === MACRO_NAME) return {};
    if (isObject(entry) && entry.Name === MACRO_NAME) return isObject(entry.Parameters) ? entry.Parameters : {};
  }
  return undefined;
}

export async function main(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  if (argv[0] === "macro-stack") return macroStackCommand(argv.slice(1), io);
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.err.write(`error: ${args}\n\n${USAGE}\n`);
    return 2;
  }
  let template: unknown;
  try {
    template = parseTemplate(readFileSync(args.template, "utf8"));
  } catch (error) {
    io.err.write(`error: cannot read ${args.template}: ${(error as Error).message}\n`);
    return 2;
  }
  const fromTemplate = transformParameters(template);
  if (fromTemplate === undefined) {
    io.err.write(`note: ${args.template} has no ${MACRO_NAME} entry in Transform; using --param values only.\n`);
  }
  let groups = {};
  try {
    if (args.existingLogGroups) groups = JSON.parse(readFileSync(args.existingLogGroups, "utf8"));
  } catch (error) {
    io.err.write(`error: cannot read ${args.existingLogGroups}: ${(error as Error).message}\n`);
    return 2;
  }
  const outcome = await transformWithLookups(
    {
      fragment: template,
      params: { ...(fromTemplate ?? {}), ...args.params },
      region: args.region,
      accountId: "123456789012",
      stackName: args.stackName,
      templateParameterValues: args.templateParameters,
      env: {},
      macroVersion: MACRO_VERSION,
    },
    // Offline: the preview never calls AWS.
    () => offlineAccountView(groups),
  );
  for (const warning of outcome.warnings) io.err.write(`warning: ${warning}\n`);
  if (!outcome.ok) {
    io.err.write(`${formatErrors(outcome.errors)}\n`);
    return 1;
  }
  io.out.write(printTemplate(outcome.fragment, args.output));
  io.err.write(`instrumented ${outcome.instrumented.length} resource(s)${outcome.skipped.length ? `, skipped ${outcome.skipped.length}` : ""}\n`);
  return 0;
}

/** `cli.js macro-stack [--code-bucket B --code-key K [--regional]]`: the macro stack template, packaged or not. */
function macroStackCommand(argv: string[], io: { out: { write(s: string): unknown }; err: { write(s: string): unknown } }): number {
  const code: CodeLocation = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--code-bucket" && argv[i + 1]) code.bucket = argv[++i];
    else if (arg === "--code-key" && argv[i + 1]) code.key = argv[++i];
    else if (arg === "--regional") code.regional = true;
    else {
      io.err.write(`error: macro-stack takes --code-bucket NAME, --code-key KEY and --regional, not ${arg}\n`);
      return 2;
    }
  }
  io.out.write(renderMacroStack(MACRO_VERSION, code));
  return 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
