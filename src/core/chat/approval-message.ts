import type { PendingDeletions } from "../ports/provisioning-engine.js";
import { type ChatLinks, code, countedList, formatCounts, formatTime, linksBlock, plain } from "./format.js";
import type { ApprovalRecord } from "./ports.js";
import type { Button, Reply, ReplyBlock } from "./reply.js";

/** Action ids of the approval buttons; the value is the approval id (always re-checked). */
export const APPROVAL_ACTIONS = { approve: "approval.approve", reject: "approval.reject" } as const;

const APPROVAL_LIST_LIMIT = 20;

/** A fresh approval record for a batch the engine holds. */
export function approvalFromPending(pending: PendingDeletions, requiredApprovals: number): ApprovalRecord {
  return {
    id: pending.approvalId,
    status: "pending",
    requiredApprovals: Math.max(1, Math.floor(requiredApprovals)),
    decisions: [],
    requestedAt: pending.requestedAt,
    expiresAt: pending.expiresAt,
    batch: {
      count: pending.count,
      users: pending.users,
      reason: pending.reason,
      runId: pending.runId,
      threshold: pending.threshold,
    },
    result: null,
    messages: [],
  };
}

/** `expired` also for a pending record whose time is up (the book may not have marked it yet). */
export function effectiveStatus(record: ApprovalRecord, now: Date): ApprovalRecord["status"] {
  return record.status === "pending" && now.getTime() >= record.expiresAt.getTime() ? "expired" : record.status;
}

function buttons(record: ApprovalRecord): Button[] {
  const n = record.batch.count;
  return [
    {
      actionId: APPROVAL_ACTIONS.approve,
      label: "Approve",
      value: record.id,
      style: "primary",
      confirm: {
        title: "Approve deletions?",
        text: `${n} users will be deactivated or deleted in Apple Business Manager.`,
        confirm: "Approve",
        deny: "Cancel",
      },
    },
    {
      actionId: APPROVAL_ACTIONS.reject,
      label: "Reject",
      value: record.id,
      style: "danger",
      confirm: {
        title: "Reject deletions?",
        text: "The users stay in Apple Business Manager and the batch is dropped.",
        confirm: "Reject",
        deny: "Cancel",
      },
    },
  ];
}

function decidedBy(record: ApprovalRecord, decision: "approve" | "reject"): string {
  const people = record.decisions.filter((d) => d.decision === decision);
  const last = people.at(-1);
  const names = people.map((d) => plain(d.actorName)).join(", ");
  return last === undefined ? "" : `${names} at ${formatTime(last.at)}`;
}

/** The deletion-threshold approval message, in whatever state the stored record is in. */
export function renderApprovalMessage(record: ApprovalRecord, now: Date, links: ChatLinks): Reply {
  const status = effectiveStatus(record, now);
  const { batch } = record;
  const approvals = record.decisions.filter((d) => d.decision === "approve").length;
  const titles: Record<typeof status, string> = {
    pending: "Deletions held for approval",
    approved: "Deletions approved",
    rejected: "Deletions rejected",
    expired: "Deletion approval expired",
  };
  const blocks: ReplyBlock[] = [
    { type: "header", text: titles[status] },
    {
      type: "text",
      text: `**${batch.count} users** would be deactivated or deleted in Apple Business Manager — more than the threshold of ${batch.threshold} per cycle, so the batch is held.`,
    },
    {
      type: "facts",
      facts: [
        { label: "Why", value: plain(batch.reason) },
        { label: "Cycle", value: batch.runId === null ? "—" : code(batch.runId) },
        { label: "Approval", value: code(record.id) },
        { label: "Approvals", value: `${approvals} of ${record.requiredApprovals}` },
        { label: "Requested", value: formatTime(record.requestedAt) },
        { label: "Expires", value: formatTime(record.expiresAt) },
      ],
    },
    countedList(
      batch.users.map((u) => `${plain(u.userName ?? u.entraId)} — ${u.action} (${plain(u.reason)})`),
      batch.count,
      APPROVAL_LIST_LIMIT,
      "Users",
    ),
  ];

  let tone: Reply["tone"] = "warning";
  let fallback = `${batch.count} deletions held for approval (${record.id})`;
  if (status === "pending") {
    const waiting = approvals > 0 ? ` Approved so far by ${decidedBy(record, "approve")}.` : "";
    blocks.push({
      type: "context",
      text: `Needs ${record.requiredApprovals} approver(s); each person counts once.${waiting}`,
    });
    blocks.push({ type: "actions", buttons: buttons(record) });
  } else if (status === "approved") {
    tone = "success";
    fallback = `Deletions approved (${record.id})`;
    blocks.push({ type: "context", text: `Approved by ${decidedBy(record, "approve")}` });
  } else if (status === "rejected") {
    tone = "info";
    fallback = `Deletions rejected (${record.id})`;
    blocks.push({ type: "context", text: `Rejected by ${decidedBy(record, "reject")}. The users stay in ABM.` });
  } else {
    fallback = `Deletion approval expired (${record.id})`;
    blocks.push({
      type: "context",
      text: `Expired at ${formatTime(record.expiresAt)} with ${approvals} of ${record.requiredApprovals} approvals — the batch stays held. Check \`approvals\` after the next cycle.`,
    });
  }
  if (record.result !== null) {
    const { result } = record;
    const counts = result.counts === null ? "" : ` Result: ${formatCounts(result.counts)}.`;
    const label = result.status === "failed" ? "Applying failed" : "Applied";
    blocks.push({ type: "text", text: `**${label}** at ${formatTime(result.at)}: ${plain(result.message)}${counts}` });
    if (result.status === "failed") tone = "danger";
  }
  blocks.push(...linksBlock(links, ["activity", "entra"]));
  return { fallbackText: fallback, blocks, visibility: "channel", tone };
}
