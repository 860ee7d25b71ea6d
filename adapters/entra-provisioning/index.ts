export type { EntraEngineStore } from "./deletion-approval.js";
export {
  createEntraProvisioningEngine,
  type EntraEngineDeps,
  type EntraProvisioningEngine,
  type PollReport,
} from "./entra-engine.js";
export type { EntraGraphSettings } from "./graph-client.js";
