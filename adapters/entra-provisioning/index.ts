export type { EntraEngineStore } from "./deletion-approval.js";
export {
  createEntraProvisioningEngine,
  type EntraEngineDeps,
  type EntraProvisioningEngine,
} from "./entra-engine.js";
