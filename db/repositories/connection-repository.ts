import { eq } from "drizzle-orm";
import { z } from "zod";
import type { ConnectionPatch, ConnectionRecord, ConnectionStore } from "#core/ports/store/connection-store.js";
import type { Database } from "../database.js";
import { connections } from "../schema/connections.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof connections.$inferSelect;

const rowSchema = z.object({
  engine: z.enum(["native", "entra"]),
  scope: z.enum(["all", "assigned"]),
  state: z.enum([
    "idle",
    "running",
    "paused",
    "awaiting_approval",
    "deletions_rejected",
    "quarantined",
    "not_configured",
  ]),
  rejectedRemovals: z.array(z.string()),
});

function toRecord(row: Row): ConnectionRecord {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read connection", parsed.error.issues[0]?.message ?? "invalid");
  const { engine, scope, state, rejectedRemovals } = parsed.data;
  return {
    id: row.id,
    name: row.name,
    engine,
    scope,
    paused: row.paused,
    state,
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
    deletionsRejected: row.deletionsRejected,
    rejectedRemovals,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function patchColumns(patch: ConnectionPatch): Partial<typeof connections.$inferInsert> {
  const set: Partial<typeof connections.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.engine !== undefined) set.engine = patch.engine;
  if (patch.scope !== undefined) set.scope = patch.scope;
  if (patch.paused !== undefined) set.paused = patch.paused;
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.needsFullCycle !== undefined) set.needsFullCycle = patch.needsFullCycle;
  if (patch.deletionsRejected !== undefined) set.deletionsRejected = patch.deletionsRejected;
  if (patch.rejectedRemovals !== undefined) set.rejectedRemovals = [...patch.rejectedRemovals];
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

/** `connections` behind the ConnectionStore port. */
export function createConnectionRepository(db: Database): ConnectionStore {
  async function read(id: string): Promise<ConnectionRecord | null> {
    const rows = await db.select().from(connections).where(eq(connections.id, id));
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  return {
    ensure: (input) =>
      attempt("ensure connection", async () => {
        await db
          .insert(connections)
          .values({
            id: input.id,
            name: input.name,
            engine: input.engine,
            scope: input.scope,
            createdAt: input.now,
            updatedAt: input.now,
          })
          .onConflictDoNothing({ target: connections.id });
        const stored = await read(input.id);
        if (stored === null) throw notFound("ensure connection", "connection", input.id);
        return stored;
      }),
    get: (id) => attempt("read connection", () => read(id)),
    list: () =>
      attempt("list connections", async () => {
        const rows = await db.select().from(connections).orderBy(connections.createdAt, connections.id);
        return rows.map(toRecord);
      }),
    update: (id, patch, now) =>
      attempt("update connection", async () => {
        const rows = await db
          .update(connections)
          .set({ ...patchColumns(patch), updatedAt: now })
          .where(eq(connections.id, id))
          .returning();
        if (rows[0] === undefined) throw notFound("update connection", "connection", id);
        return toRecord(rows[0]);
      }),
  };
}
