/**
 * API Gateway stages, however the template declares them: a Stage resource (REST or V2), a REST
 * Deployment that creates its stage (`StageName`), a SAM `Api`/`HttpApi` when the macro runs before SAM
 * (with `Globals.Api`/`Globals.HttpApi`), or the API SAM creates implicitly for functions' events.
 * Each is read into one shape: where its access logs go, whether it writes execution logs, and the
 * API and stage names its execution log group is named after.
 */
import { intrinsicName, isIntrinsic, isObject, own, referencedLogicalId, resolveString, type JsonObject, type TemplateContext } from "../intrinsics";
import {
  APIGW_DEPLOYMENT,
  APIGW_REST_API,
  APIGW_STAGE,
  APIGW_V2_API,
  APIGW_V2_STAGE,
  SERVERLESS_API,
  SERVERLESS_FUNCTION,
  SERVERLESS_HTTP_API,
  type ApiStageModel,
  type TemplateModel,
} from "./model";

/** The logical ids SAM gives the APIs it creates for functions' `Api` and `HttpApi` events. */
export const IMPLICIT_REST_API = "ServerlessRestApi";
export const IMPLICIT_HTTP_API = "ServerlessHttpApi";
/** SAM's stage names when the template gives none. */
const IMPLICIT_REST_STAGE = "Prod";
const DEFAULT_HTTP_STAGE = "$default";
/** Method and route logging levels at which API Gateway writes execution logs. */
const LOGGING_LEVELS = new Set(["INFO", "ERROR"]);

/** Reads every stage of the template; `stageIds` are the ids of the resources discovery found. */
export function readApiStages(model: TemplateModel, stageIds: string[], globals: unknown, context: TemplateContext, base: (id: string, resource: JsonObject) => StageBase): ApiStageModel[] {
  const samRest = section(globals, "Api");
  const samHttp = section(globals, "HttpApi");
  const stages: ApiStageModel[] = [];
  for (const id of stageIds) {
    const resource = model.resources[id] as JsonObject;
    const common = base(id, resource);
    const p = common.properties;
    switch (resource.Type) {
      case APIGW_STAGE:
        stages.push({
          ...common,
          shape: "stage",
          protocol: "rest",
          api: apiOf(p.RestApiId, model.resources, context),
          stageName: p.StageName,
          accessLogDestination: own(p.AccessLogSetting, "DestinationArn"),
          executionLogging: methodLogging(p.MethodSettings, undefined, context),
          tracingEnabled: p.TracingEnabled,
        });
        break;
      case APIGW_DEPLOYMENT: {
        // Only a Deployment with a StageName creates a stage; its settings are in StageDescription.
        if (p.StageName === undefined) break;
        const description = own(p, "StageDescription");
        stages.push({
          ...common,
          shape: "deployment",
          protocol: "rest",
          api: apiOf(p.RestApiId, model.resources, context),
          stageName: p.StageName,
          accessLogDestination: own(own(description, "AccessLogSetting"), "DestinationArn"),
          executionLogging: methodLogging(own(description, "MethodSettings"), own(description, "LoggingLevel"), context),
        });
        break;
      }
      case APIGW_V2_STAGE: {
        const api = apiOf(p.ApiId, model.resources, context);
        stages.push({
          ...common,
          shape: "stage",
          protocol: api && "logicalId" in api ? v2Protocol(model.resources[api.logicalId], context) : "unknown",
          api,
          stageName: p.StageName,
          accessLogDestination: own(p.AccessLogSettings, "DestinationArn"),
          executionLogging: routeLogging(p.DefaultRouteSettings, p.RouteSettings, context),
        });
        break;
      }
      case SERVERLESS_API:
        stages.push(samRestStage(common, "sam", p, samRest, context));
        break;
      case SERVERLESS_HTTP_API:
        stages.push(samHttpStage(common, "sam", p, samHttp));
        break;
    }
  }
  // SAM's implicit APIs: no resource before SAM, only the Globals (and SAM's own stage name for REST).
  const implicit = implicitApis(model);
  if (implicit.rest && model.resources[IMPLICIT_REST_API] === undefined) {
    stages.push(samRestStage(implicitBase(IMPLICIT_REST_API, implicit.restCondition), "implicit", {}, samRest, context, IMPLICIT_REST_STAGE));
  }
  if (implicit.http && model.resources[IMPLICIT_HTTP_API] === undefined) {
    stages.push(samHttpStage(implicitBase(IMPLICIT_HTTP_API, implicit.httpCondition), "implicit", {}, samHttp));
  }
  return stages;
}

type StageBase = Omit<ApiStageModel, "shape" | "protocol" | "executionLogging">;

/** A SAM REST API before SAM, declared or implicit: each setting its own, else `Globals.Api`'s. */
function samRestStage(common: StageBase, shape: "sam" | "implicit", properties: JsonObject, globals: JsonObject | undefined, context: TemplateContext, defaultStage?: string): ApiStageModel {
  const setting = (key: string) => own(properties, key) ?? own(globals, key);
  return {
    ...common,
    shape,
    protocol: "rest",
    api: { logicalId: common.logicalId },
    stageName: setting("StageName") ?? defaultStage,
    accessLogDestination: own(setting("AccessLogSetting"), "DestinationArn"),
    executionLogging: methodLogging(setting("MethodSettings"), undefined, context),
    tracingEnabled: setting("TracingEnabled"),
  };
}

/** A SAM HTTP API before SAM, declared or implicit: each setting its own, else `Globals.HttpApi`'s. HTTP APIs write no execution logs. */
function samHttpStage(common: StageBase, shape: "sam" | "implicit", properties: JsonObject, globals: JsonObject | undefined): ApiStageModel {
  const setting = (key: string) => own(properties, key) ?? own(globals, key);
  return {
    ...common,
    shape,
    protocol: "http",
    api: { logicalId: common.logicalId },
    stageName: setting("StageName") ?? DEFAULT_HTTP_STAGE,
    accessLogDestination: own(setting("AccessLogSettings"), "DestinationArn"),
    executionLogging: false,
  };
}

function section(globals: unknown, name: string): JsonObject | undefined {
  const value = own(globals, name);
  return isObject(value) && !isIntrinsic(value) ? value : undefined;
}

function implicitBase(logicalId: string, condition: string | null | undefined): StageBase {
  // Under conditions SAM combines into one of its own, the API cannot be instrumented safely.
  const uneditable = condition === null ? "SAM gives it a condition combining those of the functions whose events make it" : undefined;
  return { logicalId, resource: {}, properties: {}, condition: condition ?? undefined, uneditable };
}

/**
 * `Ref Api` (or its id attribute) → the template's API; a literal id, or one a template parameter
 * gives → that id. Anything else (a nested stack's output, an import) cannot be known here.
 */
function apiOf(value: unknown, resources: JsonObject, context: TemplateContext): ApiStageModel["api"] {
  const logicalId = referencedLogicalId(value, "RestApiId") ?? referencedLogicalId(value, "ApiId") ?? (intrinsicName(value) === "Ref" ? referencedLogicalId(value) : undefined);
  if (logicalId !== undefined && API_TYPES.has(own(own(resources, logicalId), "Type") as string)) return { logicalId };
  const id = resolveString(value, context);
  return id !== undefined && /^[A-Za-z0-9]{1,64}$/.test(id) ? { id } : undefined;
}

function v2Protocol(api: unknown, context: TemplateContext): ApiStageModel["protocol"] {
  if (!isObject(api)) return "unknown";
  if (api.Type === SERVERLESS_HTTP_API) return "http";
  if (api.Type !== APIGW_V2_API) return "unknown";
  const protocol = resolveString(own(api.Properties, "ProtocolType"), context);
  return protocol === "WEBSOCKET" ? "websocket" : protocol === "HTTP" ? "http" : "unknown";
}

/** REST: true when a method setting (or the deployment's stage-wide LoggingLevel) logs at INFO or ERROR. */
function methodLogging(settings: unknown, stageLevel: unknown, context: TemplateContext): boolean | string {
  const levels: unknown[] = stageLevel === undefined ? [] : [stageLevel];
  if (settings !== undefined) {
    if (!Array.isArray(settings)) return "its MethodSettings is an intrinsic function";
    for (const setting of settings) levels.push(own(setting, "LoggingLevel"));
  }
  return anyLogging(levels, "MethodSettings", context);
}

/** WebSocket: true when the default route settings, or a route's, log at INFO or ERROR. */
function routeLogging(defaults: unknown, routes: unknown, context: TemplateContext): boolean | string {
  const levels: unknown[] = [own(defaults, "LoggingLevel")];
  if (routes !== undefined) {
    if (!isObject(routes) || isIntrinsic(routes)) return "its RouteSettings is an intrinsic function";
    for (const key of Object.keys(routes)) levels.push(own(routes[key], "LoggingLevel"));
  }
  return anyLogging(levels, "route settings", context);
}

function anyLogging(levels: unknown[], where: string, context: TemplateContext): boolean | string {
  let unknown = false;
  for (const level of levels) {
    if (level === undefined) continue;
    const value = resolveString(level, context);
    if (value === undefined) unknown = true;
    else if (LOGGING_LEVELS.has(value.toUpperCase())) return true;
  }
  return unknown ? `the LoggingLevel of its ${where} is an intrinsic function the macro cannot resolve` : false;
}

/**
 * Whether SAM will create its implicit REST and HTTP APIs (some function has an event without an API of
 * its own), and their Condition: SAM gives the API the functions' condition when they all have one (one
 * name: that; several: one it makes up, `null` here); none when one of them has none.
 */
function implicitApis(model: TemplateModel): { rest: boolean; http: boolean; restCondition?: string | null; httpCondition?: string | null } {
  const conditions = { rest: new Set<string | undefined>(), http: new Set<string | undefined>() };
  for (const fn of model.functions) {
    if (fn.resource.Type !== SERVERLESS_FUNCTION) continue;
    const events = own(fn.properties, "Events");
    if (!isObject(events) || isIntrinsic(events)) continue;
    for (const key of Object.keys(events)) {
      const event = events[key];
      const type = own(event, "Type");
      const properties = own(event, "Properties");
      if (type === "Api" && own(properties, "RestApiId") === undefined) conditions.rest.add(fn.condition);
      if (type === "HttpApi" && own(properties, "ApiId") === undefined) conditions.http.add(fn.condition);
    }
  }
  const combined = (found: Set<string | undefined>) => (found.has(undefined) ? undefined : found.size === 1 ? [...found][0] : null);
  return { rest: conditions.rest.size > 0, http: conditions.http.size > 0, restCondition: combined(conditions.rest), httpCondition: combined(conditions.http) };
}

/** What a stage's API id may refer to in the template. */
const API_TYPES = new Set([APIGW_REST_API, APIGW_V2_API, SERVERLESS_API, SERVERLESS_HTTP_API]);

/** True for the resource types `readApiStages` reads. */
export const API_STAGE_TYPES = new Set([APIGW_STAGE, APIGW_DEPLOYMENT, APIGW_V2_STAGE, SERVERLESS_API, SERVERLESS_HTTP_API]);
