/**
 * Runtimes newer than the runtime table, derived from it, so that adding a row to the table needs no
 * test edit: the newest row of the family with its last version number raised.
 */
import { newestRow, type RuntimeFamily } from "../../src/runtimes";

/** A runtime of `family` newer than every row of the table (`python3.14` in the table gives `python3.15`). */
export function newerRuntime(family: Exclude<RuntimeFamily, "provided">, step = 1): string {
  const newest = newestRow(family);
  if (newest === undefined) throw new Error(`the runtime table has no ${family} row`);
  return newest.runtime.replace(/(\d+)(?=\D*$)/, (last) => String(Number(last) + step));
}
