/** Command-line arguments of `cli.js transform`. */
export interface TransformArgs {
  template: string;
  params: Record<string, string>;
  templateParameters: Record<string, string>;
  region: string;
  output: "yaml" | "json";
  /** JSON file: {"<log group name>": [{"filterName": ..., "destinationArn": ...}], ...} */
  existingLogGroups?: string;
  stackName: string;
}

export const USAGE = `Usage: node dist/cli.js transform <template.yaml|json> [options]

Runs the DatadogServerless macro offline on a template and prints the result.
Parameters come from the template's own DatadogServerless Transform entry, then --param.

Options:
  --param name=value            set or override a macro parameter (repeatable)
  --template-param Name=Value   value of a template parameter, as at deploy time (repeatable)
  --region REGION               region to build layer ARNs for (default: us-east-1)
  --stack-name NAME             value of AWS::StackName, e.g. for stackName: !Ref AWS::StackName (default: preview)
  --output yaml|json            output format (default: yaml)
  --existing-log-groups FILE    JSON map of log groups that exist in the account to their subscription
                                filters ({"/aws/lambda/f": [{"filterName": "x", "destinationArn": "arn:..."}]});
                                without it, no log group exists (a first deploy)
  --help                        show this help

Exit status: 0 when instrumented, 1 when the macro reports a failure, 2 on bad usage.

Also: node dist/cli.js macro-stack [--code-bucket NAME --code-key KEY [--regional]]
  prints the macro stack template (template.yml), packaged for that artifact location.`;

export function parseArgs(argv: string[]): TransformArgs | string {
  const [command, ...rest] = argv;
  if (command !== "transform") return `unknown command ${command ?? "(none)"}`;
  const args: TransformArgs = { template: "", params: {}, templateParameters: {}, region: "us-east-1", output: "yaml", stackName: "preview" };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const next = () => {
      const value = rest[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    try {
      if (arg === "--param" || arg === "--template-param") {
        const pair = next();
        const eq = pair.indexOf("=");
        if (eq <= 0) return `${arg} takes name=value, not ${pair}`;
        (arg === "--param" ? args.params : args.templateParameters)[pair.slice(0, eq)] = pair.slice(eq + 1);
      } else if (arg === "--region") args.region = next();
      else if (arg === "--existing-log-groups") args.existingLogGroups = next();
      else if (arg === "--stack-name") args.stackName = next();
      else if (arg === "--output") {
        const format = next();
        if (format !== "yaml" && format !== "json") return `--output takes yaml or json, not ${format}`;
        args.output = format;
      } else if (arg.startsWith("--")) return `unknown option ${arg}`;
      else if (args.template === "") args.template = arg;
      else return `unexpected argument ${arg}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  return args.template === "" ? "missing the template path" : args;
}
