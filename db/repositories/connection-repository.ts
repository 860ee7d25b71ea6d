import { eq } from "drizzle-orm";
import { z } from "zod";
import type { ConnectionSettings, EngineStore } from "#core/engine/engine-store.js";
import type { EngineKind, SyncScope } from "#core/ports/provisioning-engine.js";
import type { Database } from "../database.js";
import { connections } from "../schema/connections.js";
import { attemptOrThrow, invalidRow, notFound } from "./db-error.js";

type Row = typeof connections.$inferSelect;
type Columns = Partial<typeof connections.$inferInsert>;

const rowSchema = z.object({
  scope: z.enum(["all", "assigned"]),
  rejectedRemovals: z.array(z.string()),
});

function toSettings(row: Row): ConnectionSettings {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read connection", parsed.error.issues[0]?.message ?? "invalid");
  return {
    scope: parsed.data.scope,
    paused: row.paused,
    quarantine:
      row.quarantineReason === null || row.quarantineSince === null
        ? null
        : {
            reason: row.quarantineReason,
            since: row.quarantineSince,
            nextAttemptAt: row.quarantineNextAttemptAt,
            seriesCount: row.quarantineSeriesCount,
          },
    needsFullCycle: row.needsFullCycle,
    rejectedRemovals: parsed.data.rejectedRemovals,
  };
}

/** The columns a settings patch changes; absent fields stay, `quarantine: null` lifts a quarantine. */
function settingsColumns(patch: Partial<ConnectionSettings>): Columns {
  const set: Columns = {};
  if (patch.scope !== undefined) set.scope = patch.scope;
  if (patch.paused !== undefined) set.paused = patch.paused;
  if (patch.needsFullCycle !== undefined) set.needsFullCycle = patch.needsFullCycle;
  if (patch.rejectedRemovals !== undefined) {
    set.rejectedRemovals = [...patch.rejectedRemovals];
    set.deletionsRejected = patch.rejectedRemovals.length > 0;
  }
  if (patch.quarantine === null) {
    set.quarantineReason = null;
    set.quarantineSince = null;
    set.quarantineNextAttemptAt = null;
    set.quarantineSeriesCount = 0;
  } else if (patch.quarantine !== undefined) {
    set.quarantineReason = patch.quarantine.reason;
    set.quarantineSince = patch.quarantine.since;
    set.quarantineNextAttemptAt = patch.quarantine.nextAttemptAt;
    set.quarantineSeriesCount = patch.quarantine.seriesCount;
  }
  return set;
}

/** Changes the connection's settings; `db.not_found` when the connection does not exist. */
export async function updateSettings(
  db: Database,
  connectionId: string,
  patch: Partial<ConnectionSettings>,
  now: Date,
): Promise<void> {
  const rows = await db
    .update(connections)
    .set({ ...settingsColumns(patch), updatedAt: now })
    .where(eq(connections.id, connectionId))
    .returning({ id: connections.id });
  if (rows.length === 0) throw notFound("update connection", "connection", connectionId);
}

/** The connection's durable switches, behind the engine store. */
export function connectionSettings(
  db: Database,
  connectionId: string,
  now: () => Date,
): Pick<EngineStore, "settings" | "updateSettings"> {
  return {
    settings: () =>
      attemptOrThrow("read connection", async () => {
        const rows = await db.select().from(connections).where(eq(connections.id, connectionId));
        if (rows[0] === undefined) throw notFound("read connection", "connection", connectionId);
        return toSettings(rows[0]);
      }),
    updateSettings: (patch) =>
      attemptOrThrow("update connection", () => updateSettings(db, connectionId, patch, now())),
  };
}

/** Inserts the connection when absent (never overwrites what is stored). */
export function ensureConnection(
  db: Database,
  connection: {
    readonly id: string;
    readonly name: string;
    readonly engine: EngineKind;
    readonly scope: SyncScope;
    readonly now: Date;
  },
): Promise<void> {
  return attemptOrThrow("ensure connection", async () => {
    await db
      .insert(connections)
      .values({
        id: connection.id,
        name: connection.name,
        engine: connection.engine,
        scope: connection.scope,
        createdAt: connection.now,
        updatedAt: connection.now,
      })
      .onConflictDoNothing({ target: connections.id });
  });
}
