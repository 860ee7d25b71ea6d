import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AlertRouteStore } from "#core/ports/store/alert-route-store.js";
import { storedPlatformSchema } from "#core/ports/store/common.js";
import type { Database } from "../database.js";
import { alertRoutes } from "../schema/alert-routes.js";
import { attempt, invalidRow } from "./db-error.js";

const platformOf = z.object({ platform: storedPlatformSchema });

/** `alert_routes` behind the AlertRouteStore port. */
export function createAlertRouteRepository(db: Database): AlertRouteStore {
  return {
    add: (route) =>
      attempt("add alert route", async () => {
        const rows = await db
          .insert(alertRoutes)
          .values({
            connectionId: route.connectionId,
            platform: route.platform,
            channelId: route.channelId,
            addedBy: route.addedBy,
            createdAt: route.now,
            updatedAt: route.now,
          })
          .onConflictDoNothing({ target: [alertRoutes.connectionId, alertRoutes.platform, alertRoutes.channelId] })
          .returning({ channelId: alertRoutes.channelId });
        return rows.length === 1;
      }),
    remove: (connectionId, platform, channelId) =>
      attempt("remove alert route", async () => {
        const rows = await db
          .delete(alertRoutes)
          .where(
            and(
              eq(alertRoutes.connectionId, connectionId),
              eq(alertRoutes.platform, platform),
              eq(alertRoutes.channelId, channelId),
            ),
          )
          .returning({ channelId: alertRoutes.channelId });
        return rows.length > 0;
      }),
    list: (connectionId) =>
      attempt("list alert routes", async () => {
        const rows = await db
          .select()
          .from(alertRoutes)
          .where(eq(alertRoutes.connectionId, connectionId))
          .orderBy(alertRoutes.createdAt, alertRoutes.platform, alertRoutes.channelId);
        return rows.map((row) => {
          const parsed = platformOf.safeParse(row);
          if (!parsed.success) throw invalidRow("list alert routes", `platform ${row.platform}`);
          return {
            connectionId: row.connectionId,
            platform: parsed.data.platform,
            channelId: row.channelId,
            addedBy: row.addedBy,
            createdAt: row.createdAt,
          };
        });
      }),
  };
}
