import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { EngineStore, FailureRecord } from "#core/engine/engine-store.js";
import type { LinkState } from "#core/sync/operations.js";
import type { Database } from "../database.js";
import { userLinks } from "../schema/user-links.js";
import { attemptOrThrow, chunk, invalidRow } from "./db-error.js";
import { targetUserSchema } from "./target-user-schema.js";

const WRITE_BATCH = 5_000;
const KEY_BATCH = 5_000;

const linkColumns = {
  entraId: userLinks.entraId,
  scimId: userLinks.scimId,
  userName: userLinks.userName,
  attributeHash: userLinks.attributeHash,
  active: userLinks.active,
  lastPushed: userLinks.lastPushed,
};

interface LinkRow {
  entraId: string;
  scimId: string | null;
  userName: string | null;
  attributeHash: string | null;
  active: boolean;
  lastPushed: unknown;
}

function toLink(row: LinkRow): LinkState {
  if (row.scimId === null) throw invalidRow("read link", "a link without a SCIM id");
  let lastPushed = null;
  if (row.lastPushed !== null) {
    const parsed = targetUserSchema.safeParse(row.lastPushed);
    if (!parsed.success) throw invalidRow("read link", `last_pushed of ${row.entraId}`);
    lastPushed = parsed.data;
  }
  return {
    entraId: row.entraId,
    scimId: row.scimId,
    userName: row.userName ?? "",
    attributeHash: row.attributeHash ?? "",
    active: row.active,
    lastPushed,
  };
}

const hasFailure = isNotNull(userLinks.lastErrorCode);

const isLink = isNotNull(userLinks.scimId);
const ofConnection = (connectionId: string) => eq(userLinks.connectionId, connectionId);

type LinkReads =
  | "links"
  | "linksFor"
  | "linksForUserNames"
  | "linksForScimIds"
  | "linkedIdsAfter"
  | "linkCount"
  | "failures"
  | "failureCount"
  | "dueRetries";

/**
 * `user_links` of one connection, read: the links between Entra users and their ABM users, and the
 * failure escrow. A failure may exist without a link (a create that failed); such rows are not
 * links and are never returned as one.
 */
export function connectionLinks(db: Database, connectionId: string): Pick<EngineStore, LinkReads> {
  /** links whose Entra id, SCIM id or lowercased userName is one of `keys` */
  const readLinks = async (by: "entraId" | "scimId" | "userName", keys: readonly string[]): Promise<LinkState[]> => {
    const out: LinkState[] = [];
    const among = (batch: string[]): SQL =>
      by === "entraId"
        ? inArray(userLinks.entraId, batch)
        : by === "scimId"
          ? inArray(userLinks.scimId, batch)
          : inArray(sql`lower(${userLinks.userName})`, batch);
    for (const batch of chunk(keys, KEY_BATCH)) {
      const rows = await db
        .select(linkColumns)
        .from(userLinks)
        .where(and(ofConnection(connectionId), isLink, among(batch)));
      out.push(...rows.map(toLink));
    }
    return out;
  };
  return {
    links: () =>
      attemptOrThrow("list links", async () => {
        const rows = await db
          .select(linkColumns)
          .from(userLinks)
          .where(and(ofConnection(connectionId), isLink));
        return rows.map(toLink);
      }),
    linksFor: (entraIds) => attemptOrThrow("read links", () => readLinks("entraId", entraIds)),
    linksForUserNames: (userNames) =>
      attemptOrThrow("read links", () => readLinks("userName", [...new Set(userNames.map((n) => n.toLowerCase()))])),
    linksForScimIds: (scimIds) => attemptOrThrow("read links", () => readLinks("scimId", [...new Set(scimIds)])),
    linkedIdsAfter: (after, limit) =>
      attemptOrThrow("list linked ids", async () => {
        const rows = await db
          .select({ entraId: userLinks.entraId })
          .from(userLinks)
          .where(and(ofConnection(connectionId), isLink, after === null ? undefined : gt(userLinks.entraId, after)))
          .orderBy(asc(userLinks.entraId))
          .limit(limit);
        return rows.map((row) => row.entraId);
      }),
    linkCount: () =>
      attemptOrThrow("count links", async () => {
        const rows = await db
          .select({ n: count() })
          .from(userLinks)
          .where(and(ofConnection(connectionId), isLink));
        return rows[0]?.n ?? 0;
      }),
    failures: () =>
      attemptOrThrow("list failures", async () => {
        const rows = await db
          .select()
          .from(userLinks)
          .where(and(ofConnection(connectionId), hasFailure))
          .orderBy(desc(userLinks.lastFailedAt), asc(userLinks.entraId));
        return rows.map((row) => ({
          entraId: row.entraId,
          userName: row.userName,
          action: row.lastErrorAction ?? "unknown",
          code: row.lastErrorCode ?? "unknown",
          reason: row.lastErrorMessage ?? "",
          fix: row.lastErrorFix ?? "",
          attempts: row.failedAttempts,
          lastAttemptAt: row.lastFailedAt ?? row.updatedAt,
          nextRetryAt: row.nextRetryAt,
          // an escrow-only row is made by the first failure and deleted when the user is cleared
          ...(row.scimId === null ? { failingSince: row.createdAt } : {}),
        }));
      }),
    failureCount: () =>
      attemptOrThrow("count failures", async () => {
        const rows = await db
          .select({ n: count() })
          .from(userLinks)
          .where(and(ofConnection(connectionId), hasFailure));
        return rows[0]?.n ?? 0;
      }),
    dueRetries: (now, limit) =>
      attemptOrThrow("list due retries", async () => {
        const rows = await db
          .select({ entraId: userLinks.entraId })
          .from(userLinks)
          .where(and(ofConnection(connectionId), hasFailure, lte(userLinks.nextRetryAt, now)))
          .orderBy(asc(userLinks.nextRetryAt), asc(userLinks.entraId))
          .limit(limit);
        return rows.map((row) => row.entraId);
      }),
  };
}

/**
 * Inserts or replaces links by Entra id (one JSON parameter per batch: far cheaper than thousands
 * of bind parameters). Failure columns stay as they are. `db.conflict` when a SCIM id is already
 * linked to another Entra user of the connection.
 */
export async function saveLinks(
  db: Database,
  connectionId: string,
  links: readonly LinkState[],
  now: Date,
): Promise<void> {
  const stamp = now.toISOString();
  for (const batch of chunk(links, WRITE_BATCH)) {
    const rows = JSON.stringify(
      batch.map((link) => ({
        entra_id: link.entraId,
        scim_id: link.scimId,
        user_name: link.userName,
        attribute_hash: link.attributeHash,
        active: link.active,
        last_pushed: link.lastPushed ?? null,
      })),
    );
    await db.execute(sql`
      insert into user_links
        (connection_id, entra_id, scim_id, user_name, attribute_hash, active, last_pushed, created_at, updated_at)
      select ${connectionId}, r.entra_id, r.scim_id, r.user_name, r.attribute_hash, r.active, r.last_pushed,
             ${stamp}::timestamptz, ${stamp}::timestamptz
      from jsonb_to_recordset(${rows}::jsonb)
        as r(entra_id text, scim_id text, user_name text, attribute_hash text, active boolean, last_pushed jsonb)
      on conflict (connection_id, entra_id) do update set
        scim_id = excluded.scim_id,
        user_name = excluded.user_name,
        attribute_hash = excluded.attribute_hash,
        active = excluded.active,
        last_pushed = excluded.last_pushed,
        updated_at = excluded.updated_at`);
  }
}

/** Deletes the rows (link and failure) of these users. */
export async function removeLinks(db: Database, connectionId: string, entraIds: readonly string[]): Promise<void> {
  for (const batch of chunk(entraIds, KEY_BATCH)) {
    await db.delete(userLinks).where(and(ofConnection(connectionId), inArray(userLinks.entraId, batch)));
  }
}

/** Records (or replaces) each user's latest failure and counts the attempt. */
export async function recordFailures(
  db: Database,
  connectionId: string,
  failures: readonly FailureRecord[],
): Promise<void> {
  for (const batch of chunk(failures, WRITE_BATCH)) {
    await db
      .insert(userLinks)
      .values(
        batch.map((f) => ({
          connectionId,
          entraId: f.entraId,
          userName: f.userName,
          lastErrorCode: f.code,
          lastErrorMessage: f.reason,
          lastErrorFix: f.fix,
          lastErrorAction: f.action,
          failedAttempts: 1,
          lastFailedAt: f.at,
          nextRetryAt: f.nextRetryAt,
          createdAt: f.at,
          updatedAt: f.at,
        })),
      )
      .onConflictDoUpdate({
        target: [userLinks.connectionId, userLinks.entraId],
        set: {
          // a link keeps the userName it last pushed; an escrow-only row follows the newest failure
          userName: sql`case when ${userLinks.scimId} is null then coalesce(excluded.user_name, ${userLinks.userName}) else ${userLinks.userName} end`,
          lastErrorCode: sql`excluded.last_error_code`,
          lastErrorMessage: sql`excluded.last_error_message`,
          lastErrorFix: sql`excluded.last_error_fix`,
          lastErrorAction: sql`excluded.last_error_action`,
          failedAttempts: sql`${userLinks.failedAttempts} + 1`,
          lastFailedAt: sql`excluded.last_failed_at`,
          nextRetryAt: sql`excluded.next_retry_at`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
}

/** Forgets the failures of these users (or, with `"all"`, of every user of the connection). */
export async function clearFailures(
  db: Database,
  connectionId: string,
  entraIds: readonly string[] | "all",
): Promise<void> {
  if (entraIds === "all") {
    await clearWhere(db, ofConnection(connectionId));
    return;
  }
  for (const batch of chunk(entraIds, KEY_BATCH)) {
    await clearWhere(db, and(ofConnection(connectionId), inArray(userLinks.entraId, batch)));
  }
}

/** Forgets failures: escrow-only rows (no link) are deleted, links get their failure columns reset. */
async function clearWhere(db: Database, scope: SQL | undefined): Promise<void> {
  await db.delete(userLinks).where(and(scope, isNull(userLinks.scimId)));
  await db
    .update(userLinks)
    .set({
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorFix: null,
      lastErrorAction: null,
      failedAttempts: 0,
      lastFailedAt: null,
      nextRetryAt: null,
    })
    .where(and(scope, hasFailure));
}
