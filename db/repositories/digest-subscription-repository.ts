import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DigestBook, DigestSubscription } from "#core/chat/ports.js";
import { chatPlatformSchema } from "#core/platform.js";
import type { Database } from "../database.js";
import { digestSubscriptions } from "../schema/digest-subscriptions.js";
import { attempt, invalidRow } from "./db-error.js";

const rowSchema = z.object({ platform: chatPlatformSchema, cadence: z.enum(["daily", "weekly"]) });

/** `digest_subscriptions` of one connection (`digest daily|weekly|off`). */
export function createDigestSubscriptionStore(db: Database, connectionId: string, now: () => Date): DigestBook {
  const here = (platform: string, channelId: string) =>
    and(
      eq(digestSubscriptions.connectionId, connectionId),
      eq(digestSubscriptions.platform, platform),
      eq(digestSubscriptions.channelId, channelId),
    );
  return {
    set: (conversation, cadence, setBy) =>
      attempt("set digest subscription", async () => {
        const where = here(conversation.platform, conversation.channelId);
        if (cadence === null) {
          const rows = await db
            .delete(digestSubscriptions)
            .where(where)
            .returning({ channelId: digestSubscriptions.channelId });
          return rows.length > 0 ? ("changed" as const) : ("unchanged" as const);
        }
        return db.transaction(async (tx) => {
          const at = now();
          const [existing] = await tx
            .select({ cadence: digestSubscriptions.cadence })
            .from(digestSubscriptions)
            .where(where)
            .for("update");
          if (existing?.cadence === cadence) return "unchanged" as const;
          if (existing !== undefined) {
            await tx.update(digestSubscriptions).set({ cadence, setBy, updatedAt: at }).where(where);
            return "changed" as const;
          }
          const rows = await tx
            .insert(digestSubscriptions)
            .values({
              connectionId,
              platform: conversation.platform,
              channelId: conversation.channelId,
              cadence,
              setBy,
              createdAt: at,
              updatedAt: at,
            })
            .onConflictDoNothing({
              target: [digestSubscriptions.connectionId, digestSubscriptions.platform, digestSubscriptions.channelId],
            })
            .returning({ channelId: digestSubscriptions.channelId });
          return rows.length === 1 ? ("added" as const) : ("unchanged" as const);
        });
      }),
    list: () =>
      attempt("list digest subscriptions", async () => {
        const rows = await db
          .select()
          .from(digestSubscriptions)
          .where(eq(digestSubscriptions.connectionId, connectionId))
          .orderBy(digestSubscriptions.createdAt, digestSubscriptions.platform, digestSubscriptions.channelId);
        return rows.map((row): DigestSubscription => {
          const parsed = rowSchema.safeParse(row);
          if (!parsed.success) throw invalidRow("list digest subscriptions", `${row.platform} ${row.cadence}`);
          return {
            platform: parsed.data.platform,
            channelId: row.channelId,
            cadence: parsed.data.cadence,
            setBy: row.setBy,
            setAt: row.updatedAt,
          };
        });
      }),
  };
}
