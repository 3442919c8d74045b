/**
 * The oracle: runs one case through the real Lambda handler (`respond`, with an offline account view and
 * a captured logger) and checks every promise the macro makes. Returns the promises broken, none when
 * all hold.
 */
import { performance } from "node:perf_hooks";
import { respond, type MacroResponse } from "../../src/index";
import { offlineAccountView, type SubscriptionFilterInfo } from "../../src/lookup/account-view";
import { SUMMARY_KEY } from "../../src/summary";
import { canonical, copy, hasKey, isMap, type Json, type JsonMap } from "./json";
import { ADDED_TYPES, INSTRUMENTED_TYPES, type FuzzCase } from "./mutate";

export const PROMISES = [
  "no-throw",
  "response-shape",
  "failure-returns-input",
  "idempotent",
  "untouched",
  "added-kinds",
  "key-beside-intrinsic",
  "no-secret",
  "prototype",
  "time",
] as const;
export type PromiseName = (typeof PROMISES)[number];

export interface Broken {
  promise: PromiseName;
  detail: string;
}

export interface Checked {
  broken: Broken[];
  status: "success" | "failure" | "threw";
  /** Milliseconds of the slowest handler call of the case. */
  millis: number;
}

/** A case slower than this breaks the "time" promise. */
export const TIME_LIMIT_MS = 2000;
/** Top-level sections the macro may write: Resources (checked resource by resource), Conditions (added), Globals, Metadata (its summary). */
const WRITABLE_SECTIONS = new Set(["Resources", "Conditions", "Globals", "Metadata"]);
/** SAM Globals sections the macro may edit (function settings, API tracing and logs). */
const WRITABLE_GLOBALS = new Set(["Function", "Api", "HttpApi", "StateMachine"]);

/** The event CloudFormation sends: a freshly parsed copy each time, since the handler owns it. */
export function eventOf(c: FuzzCase, fragment: Json | undefined = c.fragment): JsonMap {
  const event = copy(c.event);
  if (fragment !== undefined) event.fragment = copy(fragment);
  if (c.params !== undefined) event.params = copy(c.params);
  return event;
}

const isIntrinsicKey = (key: string) => key === "Ref" || key.startsWith("Fn::");
/** A map with an intrinsic function's key and another key. */
const mixed = (value: unknown): value is JsonMap => isMap(value) && Object.keys(value).length > 1 && Object.keys(value).some(isIntrinsicKey);

/** Every mixed map inside `values`, as canonical JSON: the user's own, which the macro may copy around. */
export function mixedMaps(...values: unknown[]): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isMap(node)) {
      if (mixed(node)) found.add(canonical(node));
      Object.values(node).forEach(walk);
    }
  };
  values.forEach(walk);
  return found;
}

/**
 * The path of a map that holds an intrinsic function's key and a key the macro put there (as in
 * test/property/transform.property.test.ts, but key by key). Not counted: a map that was already mixed
 * at that place in the input, and a copy of a mixed map the user wrote elsewhere (`users`: a parameter
 * value, say, copied into an environment variable). The template itself and its sections are maps of
 * names, not values (`Ref` is a valid logical id): checking starts inside them.
 */
export function keyBesideIntrinsic(output: unknown, input: unknown, users: ReadonlySet<string> = new Set(), path = "$", depth = 0): string | undefined {
  if (Array.isArray(output)) {
    for (let i = 0; i < output.length; i++) {
      const found = keyBesideIntrinsic(output[i], Array.isArray(input) ? input[i] : undefined, users, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
  } else if (isMap(output)) {
    const keys = Object.keys(output);
    const added = keys.some((key) => !(isMap(input) && hasKey(input, key)));
    if (depth >= 2 && mixed(output) && added && !mixed(input) && !users.has(canonical(output))) return path;
    for (const key of keys) {
      const found = keyBesideIntrinsic(output[key], isMap(input) && hasKey(input, key) ? input[key] : undefined, users, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const PROTOTYPES: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
];

function snapshot(): Map<string, Map<PropertyKey, unknown>> {
  return new Map(
    PROTOTYPES.map(([name, proto]) => [name, new Map(Reflect.ownKeys(proto).map((key) => {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      return [key, d.value ?? d.get];
    }))]),
  );
}

/** What changed on the built-in prototypes since `before`; changes are undone so later cases run clean. */
function prototypeChanges(before: Map<string, Map<PropertyKey, unknown>>): string[] {
  const changes: string[] = [];
  for (const [name, proto] of PROTOTYPES) {
    const was = before.get(name)!;
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      if (!was.has(key)) {
        changes.push(`${name} gained ${String(key)}`);
        delete (proto as Record<PropertyKey, unknown>)[key];
      } else if ((d.value ?? d.get) !== was.get(key)) {
        changes.push(`${name}.${String(key)} was replaced`);
        Object.defineProperty(proto, key, { ...d, value: was.get(key) });
      }
    }
  }
  return changes;
}

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value) ?? String(value));
const clip = (value: string, max = 300) => (value.length > max ? `${value.slice(0, max)}...(${value.length} chars)` : value);

async function call(c: FuzzCase, fragment: Json | undefined, lines: string[]): Promise<{ response?: MacroResponse; error?: unknown; millis: number }> {
  const logger = {
    log(level: string, message: string, fields?: Record<string, unknown>) {
      lines.push(text({ level, message, ...fields }));
    },
  };
  const groups = c.account.groups as unknown as Record<string, SubscriptionFilterInfo[]>;
  const stackResources = c.account.stackResources as unknown as Record<string, string>;
  const event = eventOf(c, fragment);
  const start = performance.now();
  try {
    const response = await respond(event, { ...c.env }, logger, () => offlineAccountView(groups, stackResources));
    return { response, millis: performance.now() - start };
  } catch (error) {
    return { error, millis: performance.now() - start };
  }
}

function shapeProblems(response: unknown, c: FuzzCase): string[] {
  if (!isMap(response)) return [`the response is ${text(response)}`];
  const problems: string[] = [];
  const requestId = c.event.requestId;
  if (typeof response.requestId !== "string") problems.push(`requestId is ${typeof response.requestId}`);
  else if (typeof requestId === "string" && requestId.length <= 200 && response.requestId !== requestId) problems.push("requestId differs from the event's");
  if (response.status !== "success" && response.status !== "failure") problems.push(`status is ${text(response.status)}`);
  if (!hasKey(response, "fragment")) problems.push("no fragment");
  if (response.status === "failure") {
    if (typeof response.errorMessage !== "string") problems.push("a failure without an errorMessage");
    else if (!response.errorMessage.startsWith("DatadogServerless macro")) problems.push(`errorMessage starts with ${JSON.stringify(response.errorMessage.slice(0, 60))}`);
  }
  if (response.status === "success") {
    if (response.errorMessage !== undefined) problems.push("a success with an errorMessage");
    if (!isMap(response.fragment)) problems.push("a success whose fragment is not a map");
  }
  for (const key of Object.keys(response)) if (!["requestId", "status", "fragment", "errorMessage"].includes(key)) problems.push(`unexpected key ${key}`);
  return problems;
}

/** Resources and top-level sections changed although the macro does not own them. */
function untouchedProblems(input: JsonMap, output: JsonMap): { untouched: string[]; added: string[] } {
  const untouched: string[] = [];
  const added: string[] = [];
  for (const key of Object.keys(input)) {
    if (WRITABLE_SECTIONS.has(key) && isMap(input[key])) continue;
    if (!hasKey(output, key)) untouched.push(`section ${key} removed`);
    else if (JSON.stringify(output[key]) !== JSON.stringify(input[key])) untouched.push(`section ${key} changed`);
  }
  for (const key of Object.keys(output)) if (!hasKey(input, key) && !WRITABLE_SECTIONS.has(key)) untouched.push(`section ${key} added`);
  const sub = (section: string, writable: (key: string, value: Json) => boolean): void => {
    const was = input[section];
    const now = output[section];
    if (!isMap(was)) return;
    if (!isMap(now)) {
      untouched.push(`section ${section} is no longer a map`);
      return;
    }
    for (const [key, value] of Object.entries(was)) {
      if (!hasKey(now, key)) untouched.push(`${section}.${key} removed`);
      else if (!writable(key, value) && JSON.stringify(now[key]) !== JSON.stringify(value)) untouched.push(`${section}.${key}${section === "Resources" && isMap(value) ? ` (${text(value.Type)})` : ""} changed`);
    }
  };
  sub("Resources", (_id, resource) => isMap(resource) && typeof resource.Type === "string" && INSTRUMENTED_TYPES.has(resource.Type));
  sub("Conditions", () => false);
  sub("Metadata", (key) => key === SUMMARY_KEY);
  sub("Globals", (key) => WRITABLE_GLOBALS.has(key));
  const before = isMap(input.Resources) ? input.Resources : {};
  if (isMap(output.Resources)) {
    for (const [id, resource] of Object.entries(output.Resources)) {
      if (hasKey(before, id)) continue;
      const type = isMap(resource) ? resource.Type : undefined;
      if (typeof type !== "string" || !ADDED_TYPES.has(type)) added.push(`added ${id} of type ${text(type)}`);
    }
  }
  return { untouched, added };
}

/** Runs `c` and checks every promise. `c` itself is never edited: the handler gets copies. */
export async function checkCase(c: FuzzCase): Promise<Checked> {
  const broken: Broken[] = [];
  const add = (promise: PromiseName, detail: string) => broken.push({ promise, detail: clip(detail) });
  const before = c.fragment === undefined ? undefined : JSON.stringify(c.fragment);
  const input = before === undefined ? undefined : (JSON.parse(before) as Json);
  const prototypes = snapshot();
  const lines: string[] = [];

  const first = await call(c, c.fragment, lines);
  let millis = first.millis;
  let status: Checked["status"] = "threw";
  const response = first.response;
  if (first.error !== undefined || response === undefined) {
    add("no-throw", `respond threw: ${first.error instanceof Error ? `${first.error.name}: ${first.error.message}` : text(first.error)}`);
  } else {
    status = response.status === "success" ? "success" : "failure";
    for (const problem of shapeProblems(response, c)) add("response-shape", problem);
    const message = typeof response.errorMessage === "string" ? response.errorMessage : "";
    const internal = [message, ...lines].find((line) => /internal error|E901/i.test(line));
    if (internal !== undefined) add("response-shape", `an internal error: ${internal}`);

    if (response.status === "failure") {
      const returned = response.fragment === undefined ? undefined : JSON.stringify(response.fragment);
      if (returned !== before) add("failure-returns-input", `the failure returned a different fragment (${clip(message, 200)})`);
    }
    if (response.status === "success" && isMap(response.fragment)) {
      const output = response.fragment as JsonMap;
      const second = await call(c, output, lines);
      millis = Math.max(millis, second.millis);
      if (second.error !== undefined || second.response === undefined) add("idempotent", `the second run threw: ${text(second.error instanceof Error ? second.error.message : second.error)}`);
      else if (second.response.status !== "success") add("idempotent", `the second run failed: ${second.response.errorMessage}`);
      else if (JSON.stringify(second.response.fragment) !== JSON.stringify(output) && canonical(second.response.fragment) !== canonical(output)) add("idempotent", `the second run changed ${firstDifference(output, second.response.fragment)}`);
      if (isMap(input)) {
        const { untouched, added } = untouchedProblems(input, output);
        for (const problem of untouched) add("untouched", problem);
        for (const problem of added) add("added-kinds", problem);
      }
      const beside = keyBesideIntrinsic(output, input, mixedMaps(input, c.params, c.event.templateParameterValues, c.env));
      if (beside !== undefined) add("key-beside-intrinsic", `a key beside an intrinsic function at ${beside}`);
      const summary = isMap(output.Metadata) && hasKey(output.Metadata, SUMMARY_KEY) ? JSON.stringify(output.Metadata[SUMMARY_KEY]) : "";
      if (summary.includes(c.canary)) add("no-secret", "the canary is in the Metadata summary");
    }
    const leak = [message, ...lines].find((line) => line.includes(c.canary));
    if (leak !== undefined) add("no-secret", `the canary is in ${leak === message ? "the errorMessage" : "a log line"}: ${clip(leak, 400)}`);
  }
  for (const change of prototypeChanges(prototypes)) add("prototype", change);
  if (millis > TIME_LIMIT_MS) add("time", `a handler call took ${Math.round(millis)} ms (limit ${TIME_LIMIT_MS})`);
  return { broken, status, millis };
}

/** Where two JSON values first differ, for messages. */
export function firstDifference(a: unknown, b: unknown, path = "$"): string {
  if (canonical(a) === canonical(b)) return "nothing";
  if (isMap(a) && isMap(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (canonical(hasKey(a, key) ? a[key] : undefined) !== canonical(hasKey(b, key) ? b[key] : undefined)) return firstDifference(hasKey(a, key) ? a[key] : undefined, hasKey(b, key) ? b[key] : undefined, `${path}.${key}`);
    }
  }
  // Lists of strings (the summary's warnings): what went and what came, whatever the order.
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((item) => typeof item === "string")) {
    const lost = a.filter((item) => !b.includes(item));
    const gained = b.filter((item) => !a.includes(item));
    if (lost.length + gained.length > 0) return `${path}: lost ${clip(JSON.stringify(lost), 200)}, gained ${clip(JSON.stringify(gained), 200)}`;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) if (canonical(a[i]) !== canonical(b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
  }
  return `${path}: ${clip(text(a), 120)} -> ${clip(text(b), 120)}`;
}
