/**
 * The shared test corpus (real templates written outside this project), read in place from
 * `../shared/corpus` next to the repository. Tests that need it, or an external tool, skip with a
 * printed reason when it is missing instead of failing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** Repository root (this file is test/helpers/corpus.ts). */
export const REPO_ROOT = path.resolve(__dirname, "../..");
export const CORPUS_DIR = path.resolve(REPO_ROOT, "../shared/corpus");
/** SAM templates as translated to plain CloudFormation by the SAM translator: the macro's inputs. */
export const SAM_OUTPUT_DIR = path.join(CORPUS_DIR, "sam", "output");

/** Why `dir` cannot be used, or undefined when it is a directory. */
export function missingDirectory(dir: string): string | undefined {
  return existsSync(dir) && statSync(dir).isDirectory() ? undefined : `directory ${dir} is absent`;
}

/** Why `command` cannot be run, or undefined when `command ...args` exits with 0 (e.g. `--version`). */
export function missingCommand(command: string, args: readonly string[] = ["--version"]): string | undefined {
  const run = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  if (run.error) return `\`${command}\` cannot be run (${run.error.message}); is it on PATH?`;
  if (run.status !== 0) return `\`${command} ${args.join(" ")}\` exited with ${run.status}: ${(run.stderr || run.stdout).trim()}`;
  return undefined;
}

/** The first reason among `reasons`, joined by the caller's checks, or undefined when all passed. */
export function firstReason(...reasons: ReadonlyArray<string | undefined>): string | undefined {
  return reasons.find((reason) => reason !== undefined);
}

/**
 * `describe` and `test`, or their skipping versions when `reason` is set; the reason is printed,
 * so that a skipped run says why instead of passing silently.
 */
export function skipUnless(reason: string | undefined, what: string): { describe: jest.Describe; test: jest.It } {
  if (reason === undefined) return { describe, test };
  // Written straight to stderr: jest hides console output of suites whose tests are all skipped.
  process.stderr.write(`SKIPPED ${what}: ${reason}\n`);
  return { describe: describe.skip, test: test.skip };
}

/**
 * The one legitimate transform failure: a function whose own layers leave no room for Datadog's
 * (Lambda allows 5). Confirmed against the input, not taken from the message alone: the function
 * exists, its literal Layers plus the Datadog layers named make the count given, and that is over 5.
 */
export function confirmedLayerLimit(error: string, input: unknown): boolean {
  const match = /^\[E203\] (\w+): it would have (\d+) layers with Datadog's \(([^)]*)\)/.exec(error);
  if (!match) return false;
  const resources = (input as { Resources?: Record<string, { Properties?: { Layers?: unknown } }> }).Resources;
  const own = resources?.[match[1]]?.Properties?.Layers;
  const total = Number(match[2]);
  return Array.isArray(own) && own.length + match[3].split(", ").length === total && total > 5;
}

/**
 * True when `error` is E208 about a role whose inline policies, measured here independently (the JSON of
 * its `Policies` documents without white space, intrinsics in their template form), are past IAM's
 * 10,240 characters: a template that cannot deploy, which the macro is right to refuse.
 */
export function confirmedPolicyExcess(error: string, input: unknown): boolean {
  const match = /^\[E208\] (\w+): its inline policies take (\d+) characters/.exec(error);
  if (!match) return false;
  const resources = (input as { Resources?: Record<string, { Properties?: { Policies?: unknown } }> }).Resources;
  const policies = resources?.[match[1]]?.Properties?.Policies;
  if (!Array.isArray(policies)) return false;
  const size = policies.reduce((sum: number, policy: any) => sum + JSON.stringify(policy?.PolicyDocument ?? {}).replace(/\s/g, "").length, 0);
  return size > 10_240;
}
