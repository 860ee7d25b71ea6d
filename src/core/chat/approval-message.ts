import {
  type Approval,
  type ApprovalPayload,
  effectiveStatus,
  heldCount,
  heldReason,
  heldUsers,
} from "../approvals/approval.js";
import { organizationWords } from "../organization.js";
import { type ChatLinks, code, count, countedList, formatCounts, formatTime, linksBlock, plain } from "./format.js";
import { leaversNote } from "./leavers.js";
import type { Button, Reply, ReplyBlock } from "./reply.js";

/** Action ids of the approval buttons; the value is the approval id (always re-checked). */
export const APPROVAL_ACTIONS = { approve: "approval.approve", reject: "approval.reject" } as const;

const APPROVAL_LIST_LIMIT = 20;

/**
 * What approving does, in the words of its button: "Deactivate 60 users", "Delete 1 user", or
 * "Remove 12 users" when the batch mixes both (the list shown may be cut; then it is "Remove").
 */
export function approvalVerb(payload: ApprovalPayload): string {
  const users = heldUsers(payload);
  const total = heldCount(payload);
  const whole = users.length === total;
  const only = (action: "deactivate" | "delete"): boolean => whole && users.every((u) => u.action === action);
  const verb = only("deactivate") ? "Deactivate" : only("delete") ? "Delete" : "Remove";
  return `${verb} ${count(total, "user")}`;
}

function buttons(record: Approval, appleName: string): Button[] {
  const doIt = approvalVerb(record.payload);
  const users = count(heldCount(record.payload), "user");
  return [
    {
      actionId: APPROVAL_ACTIONS.approve,
      label: "Approve",
      value: record.id,
      style: "primary",
      confirm: {
        title: `${doIt}?`,
        text: `${users} will be ${doIt.startsWith("Deactivate") ? "deactivated" : doIt.startsWith("Delete") ? "deleted" : "deactivated or deleted"} in ${appleName}.`,
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
        text: `The ${users} stay in ${appleName} as they are, and the batch is dropped.`,
        confirm: `Keep the ${users}`,
        deny: "Cancel",
      },
    },
  ];
}

function decidedBy(record: Approval, decision: "approve" | "reject"): string {
  const people = record.votes.filter((d) => d.decision === decision);
  const last = people.at(-1);
  const names = people.map((d) => plain(d.actorName)).join(", ");
  return last === undefined ? "" : `${names} at ${formatTime(last.at)}`;
}

/** The deletion-threshold approval message, in whatever state the stored record is in. */
export function renderApprovalMessage(record: Approval, now: Date, links: ChatLinks): Reply {
  const apple = organizationWords(links.organization);
  const status = effectiveStatus(record, now);
  const { payload } = record;
  const total = heldCount(payload);
  const approvals = record.votes.filter((d) => d.decision === "approve").length;
  const titles: Record<typeof status, string> = {
    pending: "Deletions held for approval",
    approved: "Deletions approved",
    applied: "Deletions approved",
    rejected: "Deletions rejected",
    expired: "Deletion approval expired",
    withdrawn: "Deletion approval withdrawn",
  };
  const blocks: ReplyBlock[] = [
    { type: "header", text: titles[status] },
    {
      type: "text",
      text: `**${count(total, "user")}** would be deactivated or deleted in ${apple.name} — more than the threshold of ${payload.threshold} per cycle, so the batch is held.`,
    },
    {
      type: "facts",
      facts: [
        { label: "Why", value: plain(heldReason(payload)) },
        { label: "Cycle", value: payload.runId === null ? "—" : code(payload.runId) },
        { label: "Approval", value: code(record.id) },
        { label: "Approvals", value: `${approvals} of ${record.requiredApprovals}` },
        { label: "Requested", value: formatTime(record.requestedAt) },
        { label: "Expires", value: formatTime(record.expiresAt) },
      ],
    },
    countedList(
      heldUsers(payload).map((u) => `${plain(u.userName ?? u.entraId)} — ${u.action} (${plain(u.reason)})`),
      total,
      APPROVAL_LIST_LIMIT,
      "Users",
    ),
  ];

  // what Apple does with the users the batch deactivates (all of it, or a part the cut list may not show)
  const deactivates = !approvalVerb(payload).startsWith("Delete");
  if (deactivates && (status === "pending" || status === "approved" || status === "applied")) {
    const done = status === "applied" && record.result?.status !== "failed";
    blocks.push({ type: "text", text: leaversNote(links.organization, done ? "done" : "will") });
  }

  let tone: Reply["tone"] = "warning";
  let fallback = `${total} deletions held for approval (${record.id})`;
  if (status === "pending") {
    const waiting = approvals > 0 ? ` Approved so far by ${decidedBy(record, "approve")}.` : "";
    blocks.push({
      type: "context",
      text: `Needs ${count(record.requiredApprovals, "approval")}; each person counts once.${waiting}`,
    });
    blocks.push({ type: "actions", buttons: buttons(record, apple.name) });
  } else if (status === "approved" || status === "applied") {
    tone = "success";
    fallback = `Deletions approved (${record.id})`;
    blocks.push({ type: "context", text: `Approved by ${decidedBy(record, "approve")}` });
  } else if (status === "rejected") {
    tone = "info";
    fallback = `Deletions rejected (${record.id})`;
    blocks.push({
      type: "context",
      text: `Rejected by ${decidedBy(record, "reject")}. The users stay in ${apple.short}.`,
    });
  } else if (status === "withdrawn") {
    tone = "info";
    fallback = `Deletion approval withdrawn (${record.id})`;
    blocks.push({
      type: "context",
      text: "Withdrawn: the engine no longer holds this batch (a newer batch replaced it, or Entra's quarantine ended). See `approvals`.",
    });
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
