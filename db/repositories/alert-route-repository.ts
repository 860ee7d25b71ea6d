import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { kindsFromStored, kindsToStored, sameKinds } from "#core/chat/alerts/kinds.js";
import type { AlertRoute } from "#core/chat/alerts/stores.js";
import type { AlertRouteBook } from "#core/chat/ports.js";
import { chatPlatformSchema } from "#core/platform.js";
import type { Database } from "../database.js";
import { alertRoutes } from "../schema/alert-routes.js";
import { attempt, invalidRow } from "./db-error.js";

const rowSchema = z.object({ platform: chatPlatformSchema, kinds: z.array(z.string()) });

/**
 * `alert_routes` of one connection: the routes set with `alerts here [kinds]` (the configured
 * `ABM_ALERT_CHANNELS` are merged in by the app, src/app/alert-routes.ts).
 */
export function createAlertRouteStore(db: Database, connectionId: string, now: () => Date): AlertRouteBook {
  const here = (platform: string, channelId: string) =>
    and(
      eq(alertRoutes.connectionId, connectionId),
      eq(alertRoutes.platform, platform),
      eq(alertRoutes.channelId, channelId),
    );
  return {
    set: (conversation, kinds, setBy) =>
      attempt("set alert route", async () =>
        db.transaction(async (tx) => {
          const at = now();
          const [existing] = await tx
            .select({ kinds: alertRoutes.kinds })
            .from(alertRoutes)
            .where(here(conversation.platform, conversation.channelId))
            .for("update");
          if (existing === undefined) {
            const rows = await tx
              .insert(alertRoutes)
              .values({
                connectionId,
                platform: conversation.platform,
                channelId: conversation.channelId,
                addedBy: setBy,
                kinds: kindsToStored(kinds),
                createdAt: at,
                updatedAt: at,
              })
              .onConflictDoNothing({ target: [alertRoutes.connectionId, alertRoutes.platform, alertRoutes.channelId] })
              .returning({ channelId: alertRoutes.channelId });
            return rows.length === 1 ? ("added" as const) : ("unchanged" as const);
          }
          const stored = z.array(z.string()).safeParse(existing.kinds);
          if (stored.success && sameKinds(kindsFromStored(stored.data), kinds)) return "unchanged" as const;
          await tx
            .update(alertRoutes)
            .set({ kinds: kindsToStored(kinds), addedBy: setBy, updatedAt: at })
            .where(here(conversation.platform, conversation.channelId));
          return "changed" as const;
        }),
      ),
    remove: (conversation) =>
      attempt("remove alert route", async () => {
        const rows = await db
          .delete(alertRoutes)
          .where(here(conversation.platform, conversation.channelId))
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
          const parsed = rowSchema.safeParse(row);
          if (!parsed.success) throw invalidRow("list alert routes", `platform ${row.platform}`);
          return {
            platform: parsed.data.platform,
            channelId: row.channelId,
            kinds: kindsFromStored(parsed.data.kinds),
            setBy: row.addedBy,
            setAt: row.updatedAt,
          };
        });
      }),
  };
}
