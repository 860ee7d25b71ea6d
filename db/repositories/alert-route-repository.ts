import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AlertRoute } from "#core/chat/alerts/stores.js";
import type { AlertRouteBook } from "#core/chat/ports.js";
import type { AppError } from "#core/errors.js";
import { chatPlatformSchema } from "#core/platform.js";
import type { Result } from "#core/result.js";
import type { Database } from "../database.js";
import { alertRoutes } from "../schema/alert-routes.js";
import { attempt, invalidRow } from "./db-error.js";

const platformOf = z.object({ platform: chatPlatformSchema });

/** The routes set with `alerts here` in one connection: the chat core's book, and the list alerts go to. */
export interface AlertRouteStore extends AlertRouteBook {
  list(): Promise<Result<readonly AlertRoute[], AppError>>;
}

/** `alert_routes` of one connection. */
export function createAlertRouteStore(db: Database, connectionId: string, now: () => Date): AlertRouteStore {
  return {
    add: (conversation, addedBy) =>
      attempt("add alert route", async () => {
        const at = now();
        const rows = await db
          .insert(alertRoutes)
          .values({
            connectionId,
            platform: conversation.platform,
            channelId: conversation.channelId,
            addedBy,
            createdAt: at,
            updatedAt: at,
          })
          .onConflictDoNothing({ target: [alertRoutes.connectionId, alertRoutes.platform, alertRoutes.channelId] })
          .returning({ channelId: alertRoutes.channelId });
        return rows.length === 1;
      }),
    remove: (conversation) =>
      attempt("remove alert route", async () => {
        const rows = await db
          .delete(alertRoutes)
          .where(
            and(
              eq(alertRoutes.connectionId, connectionId),
              eq(alertRoutes.platform, conversation.platform),
              eq(alertRoutes.channelId, conversation.channelId),
            ),
          )
          .returning({ channelId: alertRoutes.channelId });
        return rows.length > 0;
      }),
    list: () =>
      attempt("list alert routes", async () => {
        const rows = await db
          .select()
          .from(alertRoutes)
          .where(eq(alertRoutes.connectionId, connectionId))
          .orderBy(alertRoutes.createdAt, alertRoutes.platform, alertRoutes.channelId);
        return rows.map((row): AlertRoute => {
          const parsed = platformOf.safeParse(row);
          if (!parsed.success) throw invalidRow("list alert routes", `platform ${row.platform}`);
          return { platform: parsed.data.platform, channelId: row.channelId };
        });
      }),
  };
}
