/**
 * `datadog-serverless-macro transform <template>` (`node dist/cli.js` in the repository): the macro's core,
 * run offline on a local template. Only the template goes to stdout (so it can be piped or redirected);
 * notes, warnings, errors and the summary line go to stderr.
 */
import { formatErrors } from "../rules";
import { offlineAccountView, type SubscriptionFilterInfo } from "../lookup/account-view";
import { renderMacroStack } from "../stack/render";
import { transformWithLookups } from "../transform";
import { MACRO_NAME, MACRO_VERSION } from "../version";
import { printTemplate } from "../yaml/cfn-yaml";
import { parseCommandLine, USAGE, type TransformArgs } from "./args";
import { annotation, diagnosticAnnotation } from "./github";
import { InputFileError, readExistingLogGroups, readTemplate } from "./input-files";

export interface Io {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The template's Transform entries, as a list (a single entry may be written alone). */
function transformEntries(template: Record<string, unknown>): unknown[] {
  if (template.Transform === undefined) return [];
  return Array.isArray(template.Transform) ? template.Transform : [template.Transform];
}

/** The `Parameters` of the template's own `{Name: DatadogServerless}` Transform entry. */
export function transformParameters(template: unknown): Record<string, unknown> | undefined {
  if (!isMapping(template)) return undefined;
  for (const entry of transformEntries(template)) {
    if (entry === MACRO_NAME) return {};
    if (isMapping(entry) && entry.Name === MACRO_NAME) return isMapping(entry.Parameters) ? entry.Parameters : {};
  }
  return undefined;
}

export const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

/**
 * Which transform order the preview emulates, when the template lists SAM too. CloudFormation runs the
 * transforms in the order listed; the preview has only the template as written (the SAM source), and runs
 * no other transform.
 */
export function transformOrderNotes(template: Record<string, unknown>, file: string): string[] {
  const names = transformEntries(template).map((entry) => (isMapping(entry) ? entry.Name : entry));
  const macro = names.indexOf(MACRO_NAME);
  const sam = names.indexOf(SAM_TRANSFORM);
  const notes: string[] = [];
  if (macro >= 0 && sam >= 0) {
    notes.push(
      sam < macro
        ? `${file} lists ${SAM_TRANSFORM} first: CloudFormation runs the macro on SAM's output; previewing on the SAM source instead`
        : `${file} lists ${MACRO_NAME} before ${SAM_TRANSFORM}: CloudFormation runs the macro on the SAM source, before SAM, as this preview does`,
    );
  }
  const others = names.filter((name) => name !== MACRO_NAME && name !== SAM_TRANSFORM).map((name) => (typeof name === "string" ? name : JSON.stringify(name)));
  if (macro >= 0 && others.length > 0) notes.push(`${file} lists other transforms too (${others.join(", ")}): the preview does not run them`);
  return notes;
}

export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const command = parseCommandLine(argv);
  if (typeof command === "string") {
    io.err.write(`error: ${command}\n\n${USAGE}\n`);
    return 2;
  }
  switch (command.command) {
    case "help":
      io.out.write(`${USAGE}\n`);
      return 0;
    case "macro-stack":
      io.out.write(renderMacroStack(MACRO_VERSION, command.code));
      return 0;
    case "transform":
      return transformCommand(command.args, io);
  }
}

async function transformCommand(args: TransformArgs, io: Io): Promise<number> {
  const github = args.format === "github";
  let template: Record<string, unknown>;
  let groups: Record<string, SubscriptionFilterInfo[]> = {};
  let reading = args.template;
  try {
    template = readTemplate(args.template);
    if (args.existingLogGroups !== undefined) groups = readExistingLogGroups((reading = args.existingLogGroups));
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    // One annotation for the problem, on the file it is about, its lines (a YAML excerpt) kept together.
    if (github) io.err.write(annotation("error", error.message, { file: reading }));
    else for (const line of error.message.split("\n")) io.err.write(`error: ${line}\n`);
    return 2;
  }
  const fromTemplate = transformParameters(template);
  if (fromTemplate === undefined) {
    io.err.write(`note: ${args.template} has no ${MACRO_NAME} entry in Transform; using --param values only.\n`);
  }
  for (const note of transformOrderNotes(template, args.template)) io.err.write(`note: ${note}\n`);
  const params = { ...(fromTemplate ?? {}), ...args.params };
  const outcome = await transformWithLookups(
    {
      fragment: template,
      params,
      region: args.region,
      accountId: previewAccount(params),
      stackName: args.stackName,
      templateParameterValues: args.templateParameters,
      env: {},
      macroVersion: MACRO_VERSION,
    },
    // Offline: the preview never calls AWS.
    () => offlineAccountView(groups),
  );
  for (const note of outcome.notes) io.err.write(`note: ${note}\n`);
  if (github) {
    for (const diagnostic of outcome.diagnostics) {
      if (diagnostic.severity !== "info") io.err.write(diagnosticAnnotation(diagnostic, args.template));
    }
  } else {
    for (const warning of outcome.warnings) io.err.write(`warning: ${warning}\n`);
  }
  if (!outcome.ok) {
    io.err.write(github ? `${MACRO_NAME} macro: ${outcome.errors.length} error(s), the deployment would fail\n` : `${formatErrors(outcome.errors)}\n`);
    return 1;
  }
  if (!args.check) io.out.write(printTemplate(outcome.fragment, args.output));
  const tagsOnly = outcome.tagsOnly.length ? `, tagged only ${outcome.tagsOnly.length} (Lambda@Edge)` : "";
  io.err.write(`instrumented ${outcome.instrumented.length} resource(s)${tagsOnly}${outcome.skipped.length ? `, skipped ${outcome.skipped.length}` : ""}\n`);
  if (args.check && outcome.warnings.length > 0) {
    io.err.write(`check failed: ${outcome.warnings.length} warning(s)\n`);
    return 1;
  }
  return 0;
}

/**
 * A reader that stops early (`cli.js transform t.yaml | head -1`) closes the pipe: the rest of the
 * output is unwanted, not an error. The write fails with EPIPE (later writes with ERR_STREAM_DESTROYED);
 * they are dropped and the process ends normally with its own exit status, without a stack trace.
 */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

if (require.main === module) {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

/**
 * The account the preview stands for: the forwarder's (a forwarder must be in the stack's account), else a
 * placeholder. CloudFormation tells the deployed macro the real one.
 */
function previewAccount(params: Record<string, unknown>): string {
  for (const name of ["forwarderArn", "forwarder", "stepFunctionForwarderArn"]) {
    const account = typeof params[name] === "string" ? /^arn:[^:]+:lambda:[^:]*:(\d{12}):/.exec(params[name] as string)?.[1] : undefined;
    if (account !== undefined) return account;
  }
  return "123456789012";
}
