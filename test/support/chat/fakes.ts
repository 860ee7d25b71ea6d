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
import type { AlertRouteBook, ChatActor, ConversationRef, GroupMembership } from "#core/chat/ports.js";
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
  routes = new Set<string>();
  async add(conversation: ConversationRef) {
    const key = `${conversation.platform}:${conversation.channelId}`;
    const added = !this.routes.has(key);
    this.routes.add(key);
    return ok(added);
  }
  async remove(conversation: ConversationRef) {
    return ok(this.routes.delete(`${conversation.platform}:${conversation.channelId}`));
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
