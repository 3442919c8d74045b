/**
 * The preview's input files, checked before anything runs: a problem in them is a usage error
 * (exit status 2) whose message names the file and the place in it, never an internal error.
 */
import { readFileSync } from "node:fs";
import type { SubscriptionFilterInfo } from "../lookup/account-view";
import { parseTemplate } from "../yaml/cfn-yaml";

/** An input file that cannot be used; the message says which file and what is wrong. */
export class InputFileError extends Error {}

/** How many problems of a log groups file are listed before "and N more". */
const MAX_PROBLEMS = 10;

const FILTER_KEYS = ["filterName", "destinationArn"] as const;
const FILTER_SHAPE = '{"filterName": "...", "destinationArn": "..."}';
const FILE_SHAPE = `{"/aws/lambda/f": [${FILTER_SHAPE}, ...], ...}`;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a JSON value is, for messages: "null", "a list", "a string", ... */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (isMapping(value)) return "a mapping";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new InputFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The template: YAML (with CloudFormation short tags) or JSON, whose document is a mapping. */
export function readTemplate(file: string): Record<string, unknown> {
  let template: unknown;
  try {
    template = parseTemplate(readText(file));
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!isMapping(template)) {
    const what = template === null ? "an empty document" : kindOf(template);
    throw new InputFileError(`${file}: a template must be a mapping (with Resources, AWSTemplateFormatVersion, ...), not ${what}`);
  }
  return template;
}

/**
 * `--existing-log-groups FILE`: a JSON object mapping each log group name to the list of its
 * subscription filters, each exactly {"filterName": string, "destinationArn": string}.
 */
export function readExistingLogGroups(file: string): Record<string, SubscriptionFilterInfo[]> {
  let data: unknown;
  try {
    data = JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const groups = checkLogGroups(data, problems);
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_PROBLEMS).map((problem) => `${file}: ${problem}`);
    if (problems.length > MAX_PROBLEMS) listed.push(`${file}: ... and ${problems.length - MAX_PROBLEMS} more problem(s)`);
    throw new InputFileError(listed.join("\n"));
  }
  return groups;
}

function checkLogGroups(data: unknown, problems: string[]): Record<string, SubscriptionFilterInfo[]> {
  // No prototype: a log group named "constructor" or "__proto__" is just a name.
  const groups: Record<string, SubscriptionFilterInfo[]> = Object.create(null);
  if (!isMapping(data)) {
    problems.push(`must be a JSON object mapping log group names to their subscription filters, ${FILE_SHAPE}; it is ${kindOf(data)}`);
    return groups;
  }
  for (const [name, filters] of Object.entries(data)) {
    const where = JSON.stringify(name);
    if (name === "") problems.push(`"" is not a log group name`);
    if (!Array.isArray(filters)) {
      problems.push(`${where} must be a list of subscription filters ([${FILTER_SHAPE}, ...] or []), not ${kindOf(filters)}`);
      continue;
    }
    groups[name] = [];
    filters.forEach((filter, i) => {
      const at = `${where}[${i}]`;
      if (!isMapping(filter)) {
        problems.push(`${at} must be a subscription filter ${FILTER_SHAPE}, not ${kindOf(filter)}`);
        return;
      }
      for (const key of Object.keys(filter)) {
        if (!(FILTER_KEYS as readonly string[]).includes(key)) problems.push(`${at} has an unknown key ${JSON.stringify(key)}; a filter is ${FILTER_SHAPE}`);
      }
      let complete = true;
      for (const key of FILTER_KEYS) {
        const value = filter[key];
        if (typeof value === "string" && value !== "") continue;
        complete = false;
        if (!(key in filter)) problems.push(`${at}.${key} must be a string, and is missing`);
        else if (typeof value !== "string") problems.push(`${at}.${key} must be a string, not ${kindOf(value)}`);
        else problems.push(`${at}.${key} must be a string that is not empty`);
      }
      if (complete) groups[name].push({ filterName: filter.filterName as string, destinationArn: filter.destinationArn as string });
    });
  }
  return groups;
}
