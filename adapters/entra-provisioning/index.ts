export {
  createEntraProvisioningEngine,
  type EntraEngineDeps,
  type EntraProvisioningEngine,
} from "./entra-engine.js";
