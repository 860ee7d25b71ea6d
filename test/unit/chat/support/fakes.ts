import { parseRoleList } from "#config/parse-lists.js";
import type {
  AlertRouteBook,
  ApprovalBook,
  ApprovalRecord,
  ApprovalStatus,
  AuditEntry,
  AuditSink,
  ChatActor,
  ConversationRef,
  DecisionInput,
  DecisionRecordResult,
  GroupMembership,
  MessageEditor,
  MessageRef,
} from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import type { RoleEntry } from "#core/chat/roles.js";
import type { Clock } from "#core/clock.js";
import type { AppError } from "#core/errors.js";
import { ok, type Result } from "#core/result.js";

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

/** Compare-and-set semantics as the database implementation must provide them. */
export class InMemoryApprovalBook implements ApprovalBook {
  records = new Map<string, ApprovalRecord>();
  async load(id: string) {
    // yield so concurrent callers interleave like real database round trips
    await Promise.resolve();
    return ok(this.records.get(id) ?? null);
  }
  async open(record: ApprovalRecord) {
    const existing = this.records.get(record.id);
    if (existing !== undefined) return ok(existing);
    this.records.set(record.id, record);
    return ok(record);
  }
  async recordDecision(input: DecisionInput): Promise<Result<DecisionRecordResult, AppError>> {
    await Promise.resolve();
    const record = this.records.get(input.approvalId);
    if (record === undefined)
      return ok({ transitioned: false, status: "expired" as const, decisions: [], duplicate: false });
    if (record.status === "pending" && input.now.getTime() >= record.expiresAt.getTime()) {
      this.records.set(record.id, { ...record, status: "expired" });
      return ok({ transitioned: false, status: "expired" as const, decisions: record.decisions, duplicate: false });
    }
    if (record.status !== "pending")
      return ok({ transitioned: false, status: record.status, decisions: record.decisions, duplicate: false });
    if (record.decisions.some((d) => d.actorId === input.decision.actorId)) {
      return ok({ transitioned: false, status: record.status, decisions: record.decisions, duplicate: true });
    }
    const decisions = [...record.decisions, input.decision];
    const approvals = decisions.filter((d) => d.decision === "approve").length;
    const status: ApprovalStatus =
      input.decision.decision === "reject"
        ? "rejected"
        : approvals >= record.requiredApprovals
          ? "approved"
          : "pending";
    this.records.set(record.id, { ...record, decisions, status });
    return ok({ transitioned: status !== "pending", status, decisions, duplicate: false });
  }
  async recordResult(id: string, result: NonNullable<ApprovalRecord["result"]>) {
    const record = this.records.get(id);
    if (record !== undefined) this.records.set(id, { ...record, result });
    return ok(undefined);
  }
  async addMessageRef(id: string, ref: MessageRef) {
    const record = this.records.get(id);
    if (record !== undefined) this.records.set(id, { ...record, messages: [...record.messages, ref] });
    return ok(undefined);
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

export class RecordingEditor implements MessageEditor {
  edits: { ref: MessageRef; reply: Reply }[] = [];
  async edit(ref: MessageRef, reply: Reply) {
    this.edits.push({ ref, reply });
    return ok(undefined);
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
