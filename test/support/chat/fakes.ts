import { parseRoleList } from "#config/parse-lists.js";
import type {
  Approval,
  ApprovalMessage,
  ApprovalResult,
  ApprovalStatus,
  HoldRequest,
  Vote,
} from "#core/approvals/approval.js";
import { type ApprovalStore, type VoteResult, voteAuditEntry } from "#core/approvals/approval-store.js";
import type { AuditActor, AuditEntry, AuditSink } from "#core/audit.js";
import { type SubscribedKinds, sameKinds } from "#core/chat/alerts/kinds.js";
import type { AlertRoute } from "#core/chat/alerts/stores.js";
import type { DigestDeps } from "#core/chat/context.js";
import type { DigestSources } from "#core/chat/digest/digest.js";
import { DEFAULT_DIGEST_TIME, type DigestCadence } from "#core/chat/digest/period.js";
import type {
  AlertRouteBook,
  ChatActor,
  ConversationRef,
  DigestBook,
  DigestSubscription,
  GroupMembership,
} from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import type { RoleEntry } from "#core/chat/roles.js";
import type { Clock } from "#core/clock.js";
import type { EngineEvent, EngineEventSink } from "#core/engine/context.js";
import { AppError } from "#core/errors.js";
import { ok } from "#core/result.js";

/** Role entries as the configuration parses them (`ABM_OPERATORS` syntax); throws on a bad entry. */
export function roleEntries(...raw: string[]): RoleEntry[] {
  const parsed = parseRoleList(raw.join(","));
  if (!parsed.ok) throw new Error(`bad role entries: ${parsed.error.reason}`);
  return [...parsed.value];
}

export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  async sleep(ms: number): Promise<void> {
    this.advance(ms);
  }
}

export class InMemoryAudit implements AuditSink {
  entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push(entry);
    return ok(undefined);
  }
}

/** The ApprovalStore port with the compare-and-set semantics the database gives it. */
export class InMemoryApprovalStore implements ApprovalStore {
  records = new Map<string, Approval>();
  /** where votes and results write their audit entries (the harness passes its audit log) */
  private readonly audit: AuditSink;
  constructor(audit: AuditSink = new InMemoryAudit()) {
    this.audit = audit;
  }
  private async tick(): Promise<void> {
    // yield so concurrent callers interleave like real database round trips
    await Promise.resolve();
  }
  async hold(request: HoldRequest, requiredApprovals: number) {
    await this.tick();
    const existing = this.records.get(request.id);
    if (existing !== undefined) return { approval: existing, created: false };
    const approval: Approval = {
      id: request.id,
      status: "pending",
      payload: request.payload,
      requiredApprovals: Math.max(1, requiredApprovals),
      votes: [],
      requestedBy: request.requestedBy,
      requestedAt: request.requestedAt,
      expiresAt: request.expiresAt,
      decidedAt: null,
      result: null,
      messages: [],
    };
    this.records.set(approval.id, approval);
    return { approval, created: true };
  }
  async get(id: string) {
    await this.tick();
    return this.records.get(id) ?? null;
  }
  async pending() {
    await this.tick();
    return [...this.records.values()].reverse().find((a) => a.status === "pending") ?? null;
  }
  async list(limit: number) {
    await this.tick();
    return [...this.records.values()].reverse().slice(0, limit);
  }
  async vote(id: string, vote: Vote, now: Date, by: AuditActor): Promise<VoteResult | null> {
    const result = await this.castVote(id, vote, now);
    if (result !== null) await this.write(voteAuditEntry(by, result, now));
    return result;
  }
  private async write(entry: AuditEntry): Promise<void> {
    const written = await this.audit.record(entry);
    if (!written.ok) throw written.error;
  }
  private async castVote(id: string, vote: Vote, now: Date): Promise<VoteResult | null> {
    await this.tick();
    const record = this.records.get(id);
    if (record === undefined) return null;
    if (record.votes.some((v) => v.actorId === vote.actorId))
      return { outcome: "duplicate", transitioned: false, approval: record };
    if (record.status === "pending" && now.getTime() >= record.expiresAt.getTime()) {
      const expired: Approval = { ...record, status: "expired", decidedAt: now };
      this.records.set(id, expired);
      return { outcome: "expired", transitioned: false, approval: expired };
    }
    if (record.status !== "pending")
      return { outcome: record.status === "expired" ? "expired" : "closed", transitioned: false, approval: record };
    const votes = [...record.votes, vote];
    const approvals = votes.filter((v) => v.decision === "approve").length;
    const status: ApprovalStatus =
      vote.decision === "reject" ? "rejected" : approvals >= record.requiredApprovals ? "approved" : "pending";
    const updated: Approval = { ...record, votes, status, decidedAt: status === "pending" ? null : now };
    this.records.set(id, updated);
    return { outcome: "recorded", transitioned: status !== "pending", approval: updated };
  }
  async transition(id: string, from: ApprovalStatus, to: ApprovalStatus) {
    await this.tick();
    const record = this.records.get(id);
    if (record?.status !== from) return false;
    this.records.set(id, { ...record, status: to });
    return true;
  }
  async setResult(id: string, result: ApprovalResult, _now: Date, audit: AuditEntry) {
    const record = this.records.get(id);
    if (record === undefined) throw new AppError("db.invalid_row", `no approval ${id}`);
    this.records.set(id, { ...record, result });
    await this.write(audit);
  }
  async addMessage(id: string, message: ApprovalMessage) {
    const record = this.records.get(id);
    const known = record?.messages.some(
      (m) => m.platform === message.platform && m.channelId === message.channelId && m.messageId === message.messageId,
    );
    if (record !== undefined && known !== true)
      this.records.set(id, { ...record, messages: [...record.messages, message] });
  }
}

/** Engine events as they were emitted. */
export class RecordingEvents implements EngineEventSink {
  events: EngineEvent[] = [];
  emit(event: EngineEvent): void {
    this.events.push(event);
  }
}

export class InMemoryAlertRoutes implements AlertRouteBook {
  /** by `platform:channel` */
  routes = new Map<string, AlertRoute>();
  constructor(private readonly now: () => Date = () => new Date("2026-03-01T10:00:00Z")) {}
  async set(conversation: ConversationRef, kinds: SubscribedKinds, setBy: string) {
    const key = `${conversation.platform}:${conversation.channelId}`;
    const existing = this.routes.get(key);
    if (existing !== undefined && sameKinds(existing.kinds, kinds)) return ok("unchanged" as const);
    this.routes.set(key, {
      platform: conversation.platform,
      channelId: conversation.channelId,
      kinds,
      setBy,
      setAt: this.now(),
    });
    return ok(existing === undefined ? ("added" as const) : ("changed" as const));
  }
  async remove(conversation: ConversationRef) {
    return ok(this.routes.delete(`${conversation.platform}:${conversation.channelId}`));
  }
  async list() {
    return ok([...this.routes.values()]);
  }
}

export class InMemoryDigestBook implements DigestBook {
  /** by `platform:channel` */
  subscriptions = new Map<string, DigestSubscription>();
  constructor(private readonly now: () => Date = () => new Date("2026-03-01T10:00:00Z")) {}
  async set(conversation: ConversationRef, cadence: DigestCadence | null, setBy: string) {
    const key = `${conversation.platform}:${conversation.channelId}`;
    const existing = this.subscriptions.get(key);
    if (cadence === null) return ok(this.subscriptions.delete(key) ? ("changed" as const) : ("unchanged" as const));
    if (existing?.cadence === cadence) return ok("unchanged" as const);
    this.subscriptions.set(key, {
      platform: conversation.platform,
      channelId: conversation.channelId,
      cadence,
      setBy,
      setAt: this.now(),
    });
    return ok(existing === undefined ? ("added" as const) : ("changed" as const));
  }
  async list() {
    return ok([...this.subscriptions.values()]);
  }
}

export class FakeGroups implements GroupMembership {
  calls = 0;
  members = new Map<string, Set<string>>();
  async isMember(objectId: string, groupId: string) {
    this.calls += 1;
    return ok(this.members.get(groupId)?.has(objectId) ?? false);
  }
}

export const slackActor = (id: string, extra: Partial<ChatActor> = {}): ChatActor => ({
  platform: "slack",
  id,
  displayName: id,
  ...extra,
});
export const channel: ConversationRef = { platform: "slack", channelId: "C123" };

/** All text of a reply, for assertions. */
export function replyText(reply: Reply | null | undefined): string {
  if (reply === null || reply === undefined) throw new Error("expected a reply");
  return [
    reply.fallbackText,
    ...reply.blocks.map((b) => {
      switch (b.type) {
        case "header":
        case "text":
        case "context":
          return b.text;
        case "facts":
          return b.facts.map((f) => `${f.label}: ${f.value}`).join("\n");
        case "list":
          return [b.title ?? "", ...b.items, `total ${b.total}`].join("\n");
        case "actions":
          return b.buttons.map((x) => `[${x.actionId}:${x.label}]`).join(" ");
        case "links":
          return b.links.map((l) => `${l.label} ${l.url}`).join(" ");
        default:
          return "";
      }
    }),
  ].join("\n");
}

/** The reply, or a test failure when there is none. */
export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

/** The digest's deps over an engine and approval store (no incidents: every failure counts as new). */
export function fakeDigestDeps(
  engine: DigestSources["engine"],
  approvals: DigestSources["approvals"],
  now?: () => Date,
): DigestDeps & { readonly subscriptions: InMemoryDigestBook } {
  return {
    subscriptions: new InMemoryDigestBook(now),
    at: DEFAULT_DIGEST_TIME,
    sources: { engine, approvals, failingSince: async () => ok(null), tokenExpiresAt: null },
  };
}
