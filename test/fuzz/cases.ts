/**
 * Failing cases on disk (test/fuzz/cases/*.json) and the known failures: promises the macro still
 * breaks, each with the reason and the case files that show it, so `npm test` stays green while the
 * fix is pending and turns red the day it lands (then delete the entry).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Broken, PromiseName } from "./check";
import { canonical } from "./json";
import type { FuzzCase } from "./mutate";

export interface CaseFile {
  /** The promise the case breaks. */
  promise: PromiseName;
  /** What the check said when it was found. */
  detail: string;
  /** How it was found: `npm run fuzz -- --seed <seed>`, case <index>, from <source>. */
  found: { seed: number; index: number; source: string };
  fuzzCase: FuzzCase;
}

export interface KnownFailure {
  /** The promise broken. */
  promise: PromiseName;
  /** A regular expression the check's detail matches. */
  detail: string;
  /** Why it fails, and what in src/ would fix it. */
  reason: string;
  /** Case files (under test/fuzz/cases) that reproduce it. */
  cases: string[];
}

export const casesDir = (root: string) => join(root, "test", "fuzz", "cases");
export const knownFailuresFile = (root: string) => join(root, "test", "fuzz", "known-failures.json");

export function readCases(root: string): Array<{ file: string; data: CaseFile }> {
  const dir = casesDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), "utf8")) as CaseFile }));
}

export function readKnownFailures(root: string): KnownFailure[] {
  const file = knownFailuresFile(root);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as KnownFailure[]) : [];
}

/** The known failure that explains `broken`, if any. */
export function knownFailure(known: readonly KnownFailure[], broken: Broken): KnownFailure | undefined {
  return known.find((entry) => entry.promise === broken.promise && new RegExp(entry.detail).test(broken.detail));
}

/** Writes a case under test/fuzz/cases, named after its promise and content; returns the file name. */
export function writeCase(root: string, data: CaseFile): string {
  const dir = casesDir(root);
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha256").update(canonical(data.fuzzCase)).digest("hex").slice(0, 10);
  const file = `${data.promise}-${hash}.json`;
  writeFileSync(join(dir, file), `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
