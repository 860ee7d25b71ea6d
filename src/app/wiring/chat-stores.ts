import { z } from "zod";
import type {
  AlertRouteBook,
  ApprovalBook,
  AuditSink,
  ApprovalRecord as ChatApproval,
  ChatPlatform,
} from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import { describeDeletionBatch } from "#core/engine/status.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { AlertRouteStore } from "#core/ports/store/alert-route-store.js";
import type { ApprovalRecord, ApprovalStore } from "#core/ports/store/approval-store.js";
import type { AuditStore } from "#core/ports/store/audit-store.js";
import type { JsonValue } from "#core/ports/store/common.js";
import { err, ok, type Result } from "#core/result.js";
import { DELETION_APPROVAL_KIND, parseDeletionPayload } from "./engine-store.js";

/**
 * Adapters from the database store ports to the chat core's narrow ports (audit, approvals,
 * alert routes). Both engines' approvals live in the same table: the native engine writes its
 * held batch as the payload; an `entra` approval stores the batch the chat core opened.
 */
export function createAuditSink(store: AuditStore, connectionId: string, clock: Clock, ids: IdGenerator): AuditSink {
  return {
    record: (entry) =>
      store.record({
        id: ids.next("aud"),
        connectionId,
        actorId: entry.actor,
        platform: entry.platform,
        command: entry.command,
        target: entry.target,
        outcome: entry.outcome,
        detail: { text: entry.detail },
        at: clock.now(),
      }),
  };
}

const OPENED_KIND = "chat_batch";
const batchSchema = z.object({
  count: z.number().int(),
  users: z.array(
    z.object({
      entraId: z.string(),
      userName: z.string().nullable(),
      action: z.enum(["deactivate", "delete"]),
      reason: z.string(),
    }),
  ),
  reason: z.string(),
  runId: z.string().nullable(),
  threshold: z.number().int(),
});

function toChat(record: ApprovalRecord): ChatApproval | null {
  let batch: ChatApproval["batch"];
  if (record.kind === DELETION_APPROVAL_KIND) {
    const payload = parseDeletionPayload(record.payload);
    if (payload === null) return null;
    batch = describeDeletionBatch(payload);
  } else if (record.kind === OPENED_KIND) {
    const parsed = batchSchema.safeParse(record.payload);
    if (!parsed.success) return null;
    batch = parsed.data;
  } else {
    return null;
  }
  return {
    id: record.id,
    // `applied` is the engine's bookkeeping; for people it is an approved batch
    status: record.status === "applied" ? "approved" : record.status,
    requiredApprovals: record.requiredApprovals,
    decisions: record.decisions.map((d) => ({
      actorId: d.actorId,
      actorName: d.actorName,
      platform: d.platform === "system" ? "cli" : d.platform,
      decision: d.decision,
      at: d.at,
    })),
    requestedAt: record.requestedAt,
    expiresAt: record.expiresAt,
    batch,
    result: record.result,
    messages: record.messageRefs.map((m) => ({
      platform: m.platform === "system" ? "cli" : m.platform,
      channelId: m.channelId,
      messageId: m.messageId,
    })),
  };
}

function invalid(id: string): AppError {
  return new AppError("chat.approval_invalid", `Approval ${id} is stored in a shape this version cannot read.`);
}

export function createApprovalBook(store: ApprovalStore, connectionId: string, clock: Clock): ApprovalBook {
  const load = async (id: string): Promise<Result<ChatApproval | null, AppError>> => {
    const record = await store.get(id);
    if (!record.ok) return err(record.error);
    if (record.value === null || record.value.connectionId !== connectionId) return ok(null);
    const chat = toChat(record.value);
    return chat === null ? err(invalid(id)) : ok(chat);
  };
  return {
    load,
    async open(record) {
      const existing = await load(record.id);
      if (!existing.ok || existing.value !== null) return existing.ok ? ok(existing.value ?? record) : existing;
      const opened = await store.open({
        id: record.id,
        connectionId,
        kind: OPENED_KIND,
        payload: record.batch as unknown as JsonValue,
        requiredApprovals: record.requiredApprovals,
        requestedBy: "system",
        requestedAt: record.requestedAt,
        expiresAt: record.expiresAt,
      });
      if (!opened.ok) return err(opened.error);
      const chat = toChat(opened.value);
      return chat === null ? err(invalid(record.id)) : ok(chat);
    },
    async recordDecision(input) {
      const result = await store.recordDecision({
        approvalId: input.approvalId,
        vote: { ...input.decision, platform: input.decision.platform },
        now: input.now,
      });
      if (!result.ok) return err(result.error);
      const { approval, transitioned, outcome } = result.value;
      return ok({
        transitioned,
        status: approval.status === "applied" ? "approved" : approval.status,
        decisions: approval.decisions.map((d) => ({
          actorId: d.actorId,
          actorName: d.actorName,
          platform: (d.platform === "system" ? "cli" : d.platform) as ChatPlatform,
          decision: d.decision,
          at: d.at,
        })),
        duplicate: outcome === "duplicate",
      });
    },
    recordResult: (id, result) => store.setResult(id, result, clock.now()),
    addMessageRef: (id, ref) => store.addMessageRef(id, ref, clock.now()),
  };
}

export function createAlertRouteBook(store: AlertRouteStore, connectionId: string, clock: Clock): AlertRouteBook {
  return {
    add: (conversation, addedBy) =>
      store.add({
        connectionId,
        platform: conversation.platform,
        channelId: conversation.channelId,
        addedBy,
        now: clock.now(),
      }),
    remove: (conversation) => store.remove(connectionId, conversation.platform, conversation.channelId),
  };
}
