import type { RouteFamily } from "../context.js";
import { controlRoutes } from "./control-routes.js";
import { directoryRoutes } from "./directory-routes.js";
import { identityRoutes } from "./identity-routes.js";
import { provisioningLogsRoutes } from "./provisioning-logs-routes.js";
import { synchronizationRoutes } from "./synchronization-routes.js";
import { usersRoutes } from "./users-routes.js";

/**
 * Every route family the emulator serves, in matching order (first match wins).
 * To add one (e.g. synchronization jobs, provisioning logs): write `routes/<family>-routes.ts`
 * exporting a `RouteFamily`, and list it here.
 */
export const ROUTE_FAMILIES: readonly RouteFamily[] = [
  identityRoutes,
  usersRoutes,
  synchronizationRoutes,
  provisioningLogsRoutes,
  directoryRoutes,
  controlRoutes,
];
