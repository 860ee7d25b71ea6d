import type { IncidentRecord } from "#core/chat/alerts/incidents.js";
import type {
  AlertRoute,
  AlertRouteSource,
  IncidentMessageRef,
  IncidentStore,
  NewOutboxEntry,
  OutboxEntry,
  OutboxStore,
  StoredIncident,
} from "#core/chat/alerts/stores.js";
import type { MessageRef } from "#core/chat/ports.js";
import { AppError } from "#core/errors.js";
import { err, ok } from "#core/result.js";

/** In-memory implementations of the alert ports, with the semantics the database must provide. */
interface OutboxRow extends OutboxEntry {
  readonly dedupKey: string;
  readonly incidentKey: string | null;
  readonly nextAttemptAt: Date;
  readonly lockedUntil: Date | null;
  readonly sentRef: MessageRef | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
}

export class InMemoryOutboxStore implements OutboxStore {
  readonly rows = new Map<string, OutboxRow>();

  async enqueue(entry: NewOutboxEntry) {
    for (const row of this.rows.values()) if (row.dedupKey === entry.dedupKey) return ok(false);
    this.rows.set(entry.id, {
      id: entry.id,
      platform: entry.platform,
      channelId: entry.channelId,
      payload: entry.payload,
      status: "pending",
      attempts: 0,
      createdAt: entry.now,
      dedupKey: entry.dedupKey,
      incidentKey: entry.incidentKey,
      nextAttemptAt: entry.now,
      lockedUntil: null,
      sentRef: null,
      lastError: null,
    });
    return ok(true);
  }

  async claimDue(input: { now: Date; limit: number; lockMs: number }) {
    const t = input.now.getTime();
    const due = [...this.rows.values()]
      .filter(
        (r) =>
          (r.status === "pending" && r.nextAttemptAt.getTime() <= t) ||
          (r.status === "sending" && (r.lockedUntil?.getTime() ?? 0) <= t),
      )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id.localeCompare(b.id))
      .slice(0, Math.max(0, input.limit));
    const claimed = due.map((r) => {
      const next: OutboxRow = {
        ...r,
        status: "sending",
        attempts: r.attempts + 1,
        lockedUntil: new Date(t + input.lockMs),
      };
      this.rows.set(r.id, next);
      return next;
    });
    return ok(claimed);
  }

  async markSent(id: string, sentRef: MessageRef | null) {
    const row = this.rows.get(id);
    if (row === undefined) return err(new AppError("db.not_found", `No outbox message ${id}.`));
    this.rows.set(id, { ...row, status: "sent", sentRef, lockedUntil: null });
    return ok(undefined);
  }

  async markFailed(id: string, failure: { code: string; message: string; nextAttemptAt: Date | null }) {
    const row = this.rows.get(id);
    if (row === undefined) return err(new AppError("db.not_found", `No outbox message ${id}.`));
    this.rows.set(id, {
      ...row,
      status: failure.nextAttemptAt === null ? "dead" : "pending",
      nextAttemptAt: failure.nextAttemptAt ?? row.nextAttemptAt,
      lockedUntil: null,
      lastError: { code: failure.code, message: failure.message },
    });
    return ok(undefined);
  }

  byStatus(status: OutboxEntry["status"]): OutboxRow[] {
    return [...this.rows.values()].filter((r) => r.status === status);
  }
}

export class InMemoryIncidentStore implements IncidentStore {
  readonly records = new Map<string, StoredIncident>();

  async get(key: string) {
    return ok(this.records.get(key) ?? null);
  }
  async listOpen() {
    return ok([...this.records.values()].filter((s) => s.incident.status === "open"));
  }
  async save(incident: IncidentRecord) {
    const existing = this.records.get(incident.key);
    this.records.set(incident.key, { incident, messageRefs: existing?.messageRefs ?? [] });
    return ok(undefined);
  }
  async addMessageRef(key: string, ref: IncidentMessageRef) {
    const existing = this.records.get(key);
    if (existing === undefined) return err(new AppError("db.not_found", `No incident ${key}.`));
    const known = existing.messageRefs.some(
      (r) => r.platform === ref.platform && r.channelId === ref.channelId && r.messageId === ref.messageId,
    );
    if (!known) this.records.set(key, { ...existing, messageRefs: [...existing.messageRefs, ref] });
    return ok(undefined);
  }
}

export class StaticAlertRoutes implements AlertRouteSource {
  constructor(public routes: AlertRoute[]) {}
  async list() {
    return ok(this.routes);
  }
}
