/** Turns raw parameter values (strings, numbers, booleans, lists) into the type the table declares. */
import { isIntrinsic, isObject, own } from "../intrinsics";
import type { MonitorDeclaration, ParameterType } from "./parameters";

/** A failure says what was expected, and for structured values which part is wrong (`problem`). */
export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string; problem?: string };

/** A monitor id longer than this is not one (ids end up in logical ids and messages). */
export const MAX_MONITOR_ID = 100;

const EXPECTED: Record<ParameterType, string> = {
  boolean: "true or false",
  integer: "a whole number such as 42",
  string: "a string",
  stringList: "a list of strings or a comma-separated string",
  monitorList: "a list of one-key maps, `- <monitor id>: { name, message, tags, options, query, type }` (or that list as a JSON string)",
};

/** An empty string (or empty list for scalars) means "not set": a CDK mapping or an env var left blank. */
export function isUnset(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");
}

export function coerce(raw: unknown, type: ParameterType): Coerced {
  const fail: Coerced = { ok: false, expected: EXPECTED[type] };
  switch (type) {
    case "boolean":
      if (typeof raw === "boolean") return { ok: true, value: raw };
      if (typeof raw === "string" && /^(true|false)$/i.test(raw.trim())) return { ok: true, value: raw.trim().toLowerCase() === "true" };
      return fail;
    case "integer": {
      if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) return { ok: true, value: raw };
      if (typeof raw === "string" && /^\d+$/.test(raw.trim())) return { ok: true, value: Number(raw.trim()) };
      return fail;
    }
    case "string":
      if (typeof raw === "string") return { ok: true, value: raw.trim() };
      if (typeof raw === "number" || typeof raw === "boolean") return { ok: true, value: String(raw) };
      return fail;
    case "stringList": {
      const items = typeof raw === "string" ? raw.split(",") : Array.isArray(raw) ? raw : undefined;
      if (!items || !items.every((item) => ["string", "number"].includes(typeof item))) return fail;
      return { ok: true, value: items.map((item) => String(item).trim()).filter((item) => item !== "") };
    }
    case "monitorList": {
      const read = monitorList(raw);
      return typeof read === "string" ? { ...fail, problem: read } : { ok: true, value: read };
    }
  }
}

/** The plugin's `monitors` list, or what is wrong with it (never echoing values: only ids and positions). */
function monitorList(raw: unknown): MonitorDeclaration[] | string {
  let list = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      return "it is a string that is not a JSON list";
    }
  }
  if (!Array.isArray(list)) return "it is not a list";
  const declarations: MonitorDeclaration[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of list.entries()) {
    const position = `entry ${index + 1}`;
    if (!isObject(entry) || isIntrinsic(entry)) return `${position} is not a map of one monitor id to its settings`;
    const keys = Object.keys(entry);
    if (keys.length !== 1) return `${position} has ${keys.length} keys; each entry names one monitor id`;
    const id = keys[0];
    if (id.trim() === "" || id.length > MAX_MONITOR_ID) return `${position} has an id that is empty or longer than ${MAX_MONITOR_ID} characters`;
    if (seen.has(id)) return `monitor id \`${id}\` is given twice`;
    seen.add(id);
    const settings = own(entry, id);
    if (settings !== null && settings !== undefined && (!isObject(settings) || isIntrinsic(settings))) return `the settings of \`${id}\` are not a map`;
    declarations.push({ id, settings: isObject(settings) ? settings : {} });
  }
  return declarations;
}
