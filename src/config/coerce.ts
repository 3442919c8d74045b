/** Turns raw parameter values (strings, numbers, booleans, lists) into the type the table declares. */
import type { ParameterType } from "./parameters";

export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

const EXPECTED: Record<ParameterType, string> = {
  boolean: "true or false",
  integer: "a whole number such as 42",
  string: "a string",
  stringList: "a list of strings or a comma-separated string",
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
  }
}
