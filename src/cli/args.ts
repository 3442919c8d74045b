/** Command-line arguments of `cli.js transform` and `cli.js macro-stack`, read with node:util's parseArgs. */
import { parseArgs } from "node:util";
import type { CodeLocation } from "../stack/macro-stack";
import { MACRO_NAME } from "../version";

export interface TransformArgs {
  template: string;
  params: Record<string, string>;
  templateParameters: Record<string, string>;
  region: string;
  output: "yaml" | "json";
  /** JSON file: {"<log group name>": [{"filterName": ..., "destinationArn": ...}], ...} */
  existingLogGroups?: string;
  stackName: string;
  /** `--check`: print no template; a warning fails the check too (exit status 1). */
  check: boolean;
  /** How warnings and errors are written on stderr: plain text, or GitHub Actions annotations. */
  format: "text" | "github";
}

export type Command =
  | { command: "help" }
  | { command: "transform"; args: TransformArgs }
  | { command: "macro-stack"; code: CodeLocation };

export const USAGE = `Usage: datadog-serverless-macro transform <template.yaml|json> [options]
       (in a clone of the repository: node dist/cli.js transform ...)

Runs the ${MACRO_NAME} macro offline on a template and prints the result on stdout; notes,
warnings, errors and a summary go to stderr.
Parameters come from the template's own ${MACRO_NAME} Transform entry, then --param.

Options:
  --param name=value            set or override a macro parameter (repeatable)
  --template-param Name=Value   value of a template parameter, as at deploy time (repeatable)
  --region REGION               region to build layer ARNs for (default: us-east-1)
  --stack-name NAME             value of AWS::StackName, e.g. for stackName: !Ref AWS::StackName (default: preview)
  --output yaml|json            output format (default: yaml)
  --existing-log-groups FILE    JSON map of log groups that exist in the account to their subscription
                                filters ({"/aws/lambda/f": [{"filterName": "x", "destinationArn": "arn:..."}]});
                                without it, no log group exists (a first deploy)
  --check                       check only: print no template, and fail (exit 1) on a warning too
  --format text|github          how warnings and errors are written: text (default), or GitHub Actions
                                annotations (::warning file=...,title=<rule id>::...)
  --help                        show this help

Exit status: 0 when instrumented (with --check: and no warning); 1 when the macro would fail the
deployment (with --check: or warns); 2 on bad usage or an input file that cannot be used.

Also: datadog-serverless-macro macro-stack [--code-bucket NAME --code-key KEY [--regional]]
  prints the macro stack template (template.yml), packaged for that artifact location.`;

const TRANSFORM_OPTIONS = {
  param: { type: "string", multiple: true },
  "template-param": { type: "string", multiple: true },
  region: { type: "string", default: "us-east-1" },
  "stack-name": { type: "string", default: "preview" },
  output: { type: "string", default: "yaml" },
  "existing-log-groups": { type: "string" },
  check: { type: "boolean", default: false },
  format: { type: "string", default: "text" },
  help: { type: "boolean", short: "h" },
} as const;

const MACRO_STACK_OPTIONS = {
  "code-bucket": { type: "string" },
  "code-key": { type: "string" },
  regional: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * parseArgs' own errors (unknown option, missing value, ...) carry a code starting with ERR_PARSE_ARGS_.
 * Duck-typed: they may come from another realm than this module's Error (e.g. under jest).
 */
function isParseArgsError(error: unknown): error is { message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_") && typeof message === "string";
}

/** `--help` or `-h` anywhere before a `--` wins over every other argument, as it always has. */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/** The command to run, or the usage error to report (exit status 2). */
export function parseCommandLine(argv: string[]): Command | string {
  if (asksForHelp(argv)) return { command: "help" };
  const [command, ...rest] = argv;
  try {
    if (command === "transform") return parseTransformArgs(rest);
    if (command === "macro-stack") return parseMacroStackArgs(rest);
  } catch (error) {
    if (isParseArgsError(error)) return error.message;
    throw error;
  }
  return command === undefined ? "missing the command (transform or macro-stack)" : `unknown command ${command}`;
}

function pairs(option: string, values: string[] = []): Record<string, string> | string {
  const result: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf("=");
    if (eq <= 0) return `--${option} takes name=value, not ${JSON.stringify(pair)}`;
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

function parseTransformArgs(argv: string[]): Command | string {
  const { values, positionals } = parseArgs({ args: argv, options: TRANSFORM_OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length === 0) return "missing the template path";
  if (positionals.length > 1) return `unexpected argument ${positionals[1]} (one template at a time)`;
  const params = pairs("param", values.param);
  if (typeof params === "string") return params;
  const templateParameters = pairs("template-param", values["template-param"]);
  if (typeof templateParameters === "string") return templateParameters;
  const { output, region, "stack-name": stackName, "existing-log-groups": existingLogGroups, check, format } = values;
  if (output !== "yaml" && output !== "json") return `--output takes yaml or json, not ${output}`;
  if (format !== "text" && format !== "github") return `--format takes text or github, not ${format}`;
  if (region === "") return "--region needs a region name";
  if (stackName === "") return "--stack-name needs a stack name";
  if (existingLogGroups === "") return "--existing-log-groups needs a file name";
  return {
    command: "transform",
    args: { template: positionals[0], params, templateParameters, region, output, stackName, check, format, ...(existingLogGroups === undefined ? {} : { existingLogGroups }) },
  };
}

function parseMacroStackArgs(argv: string[]): Command | string {
  const { values } = parseArgs({ args: argv, options: MACRO_STACK_OPTIONS, strict: true, allowPositionals: false });
  const code: CodeLocation = {};
  const { "code-bucket": bucket, "code-key": key, regional } = values;
  if (bucket === "" || key === "") return "--code-bucket and --code-key need a value";
  if (bucket !== undefined) code.bucket = bucket;
  if (key !== undefined) code.key = key;
  if (regional) code.regional = true;
  return { command: "macro-stack", code };
}
