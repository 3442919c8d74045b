/**
 * The steps the transform runs, in this order, one per kind of resource. A new kind is one step file
 * and one entry here.
 */
import { API_STAGES } from "./api-stages";
import { APPSYNC_APIS } from "./appsync";
import { FUNCTIONS } from "./functions";
import { LOG_GROUPS } from "./log-groups";
import { MONITORS } from "./monitors";
import type { Step } from "./step";
import { STATE_MACHINES } from "./state-machines";

export const STEPS: readonly Step[] = [FUNCTIONS, STATE_MACHINES, API_STAGES, APPSYNC_APIS, LOG_GROUPS, MONITORS];

export { queriesOf, type ApplyInput, type PlanInput, type Planned, type Step } from "./step";
export { FUNCTION_LOG_RETENTION_DAYS } from "./functions";
