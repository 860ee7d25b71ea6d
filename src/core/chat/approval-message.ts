import type { PendingDeletions } from "../ports/provisioning-engine.js";
import { type ChatLinks, code, count, countedList, formatCounts, formatTime, linksBlock, plain } from "./format.js";
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

/**
 * What approving does, in the words of its button: "Deactivate 60 users", "Delete 1 user", or
 * "Remove 12 users" when the batch mixes both (the list shown may be cut; then it is "Remove").
 */
export function approvalVerb(batch: ApprovalRecord["batch"]): string {
  const whole = batch.users.length === batch.count;
  const only = (action: "deactivate" | "delete"): boolean => whole && batch.users.every((u) => u.action === action);
  const verb = only("deactivate") ? "Deactivate" : only("delete") ? "Delete" : "Remove";
  return `${verb} ${count(batch.count, "user")}`;
}

function buttons(record: ApprovalRecord): Button[] {
  const doIt = approvalVerb(record.batch);
  const users = count(record.batch.count, "user");
  return [
    {
      actionId: APPROVAL_ACTIONS.approve,
      label: "Approve",
      value: record.id,
      style: "primary",
      confirm: {
        title: `${doIt}?`,
        text: `${users} will be ${doIt.startsWith("Deactivate") ? "deactivated" : doIt.startsWith("Delete") ? "deleted" : "deactivated or deleted"} in Apple Business Manager.`,
        confirm: doIt,
        deny: "Cancel",
      },
    },
    {
      actionId: APPROVAL_ACTIONS.reject,
      label: "Reject",
      value: record.id,
      style: "danger",
      confirm: {
        title: "Reject this batch?",
        text: `The ${users} stay in Apple Business Manager as they are, and the batch is dropped.`,
        confirm: `Keep the ${users}`,
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
      text: `**${count(batch.count, "user")}** would be deactivated or deleted in Apple Business Manager — more than the threshold of ${batch.threshold} per cycle, so the batch is held.`,
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
      text: `Needs ${count(record.requiredApprovals, "approval")}; each person counts once.${waiting}`,
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
      text: `Expired at ${formatTime(record.expiresAt)} with ${approvals} of ${count(record.requiredApprovals, "approval")} — the batch stays held. Check \`approvals\` after the next cycle.`,
    });
  }
  if (record.result !== null) {
    const { result } = record;
    // the result said once: the counts when there are any, else the engine's own words
    const what =
      result.status === "failed" || result.counts === null ? plain(result.message) : `${formatCounts(result.counts)}.`;
    const label = result.status === "failed" ? "Applying failed" : "Applied";
    blocks.push({ type: "text", text: `**${label}** at ${formatTime(result.at)}: ${what}` });
    if (result.status === "failed") tone = "danger";
  }
  blocks.push(...linksBlock(links, ["activity", "entra"]));
  return { fallbackText: fallback, blocks, visibility: "channel", tone };
}
