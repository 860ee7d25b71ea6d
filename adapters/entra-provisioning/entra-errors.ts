import { AppError } from "#core/errors.js";
import { err, type Result } from "#core/result.js";

/** what a 404 of a synchronization call points at */
export type NotFoundMeaning = "service_principal" | "job";

/**
 * Every HTTP and Graph error is mapped once, by adapters/graph (graph.auth, graph.forbidden,
 * graph.throttled…). Only a 404 means something the entra engine can name better: which id to fix.
 */
export function explainNotFound<T>(
  result: Result<T, AppError>,
  meaning: NotFoundMeaning,
  servicePrincipalId: string,
  what: string,
): Result<T, AppError> {
  if (result.ok || result.error.code !== "graph.not_found") return result;
  const options = { context: { ...result.error.context, servicePrincipalId }, cause: result.error };
  return err(
    meaning === "service_principal"
      ? new AppError(
          "entra.service_principal_not_found",
          `No service principal ${servicePrincipalId} in the tenant (${what}). Set ABM_SERVICE_PRINCIPAL_ID to the Object ID shown in Entra admin center → Enterprise applications → Apple Business Manager → Overview (not the Application (client) ID).`,
          options,
        )
      : new AppError(
          "entra.job_not_found",
          `The provisioning job of service principal ${servicePrincipalId} no longer exists (${what}). Check Enterprise applications → Apple Business Manager → Provisioning; the service finds the job again on the next request.`,
          options,
        ),
  );
}
