/**
 * One selection step for every kind of resource the macro instruments: `exclude`, and the rules that
 * leave a resource alone. What is skipped is reported once, with the reason.
 */
import type { Config } from "../config/parameters";
import { EXCLUDE_UNKNOWN, SKIPPED, type Warnings } from "../rules";
import type { ApiStageModel, AppSyncApiModel, FunctionModel, StateMachineModel, TemplateModel } from "./model";

export interface Skipped {
  logicalId: string;
  reason: string;
}

export interface Selection {
  functions: FunctionModel[];
  stateMachines: StateMachineModel[];
  apiStages: ApiStageModel[];
  appSyncApis: AppSyncApiModel[];
  skipped: Skipped[];
}

export function select(model: TemplateModel, config: Config, warnings: Warnings): Selection {
  const excluded = new Set(config.exclude);
  const known = new Set([...model.functions, ...model.stateMachines, ...model.apiStages, ...model.appSyncApis].map((resource) => resource.logicalId));
  for (const name of excluded) if (!known.has(name)) warnings.warn(EXCLUDE_UNKNOWN, { name });
  const skipped: Skipped[] = [];
  const keep = <T extends FunctionModel | StateMachineModel | ApiStageModel | AppSyncApiModel>(resource: T, reason: string | undefined): boolean => {
    if (reason === undefined) return true;
    skipped.push({ logicalId: resource.logicalId, reason });
    warnings.warn(SKIPPED, { resource: resource.logicalId, reason });
    return false;
  };
  const functions = model.functions.filter((fn) =>
    keep(
      fn,
      excluded.has(fn.logicalId)
        ? "listed in `exclude`"
        : fn.cdkFramework
          ? "a function CDK adds for its own use (custom resource provider or log retention)"
          : fn.uneditable ??
            (fn.packageType === "Image" && !config.instrumentContainerImages ? "container image, and `instrumentContainerImages` is false" : undefined),
    ),
  );
  const others = <T extends StateMachineModel | ApiStageModel | AppSyncApiModel>(resource: T) => keep(resource, excluded.has(resource.logicalId) ? "listed in `exclude`" : resource.uneditable);
  // State machines are instrumented for their logs (`stepFunctionForwarderArn`) and X-Ray tracing;
  // API stages and AppSync APIs for their logs (`forwarderArn`) and X-Ray tracing. Otherwise the macro
  // leaves them be.
  const stateMachines = config.stepFunctionForwarderArn !== undefined || config.enableXrayTracing ? model.stateMachines.filter(others) : [];
  const forwardsApiLogs = config.forwarderArn !== undefined && (config.subscribeToAccessLogs || config.subscribeToExecutionLogs);
  const apiStages = forwardsApiLogs || config.enableXrayTracing ? model.apiStages.filter(others) : [];
  const forwardsAppSyncLogs = config.forwarderArn !== undefined && config.subscribeToAppSyncLogs;
  const appSyncApis = forwardsAppSyncLogs || config.enableXrayTracing ? model.appSyncApis.filter(others) : [];
  return { functions, stateMachines, apiStages, appSyncApis, skipped };
}
