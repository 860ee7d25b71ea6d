import type { AppError } from "../errors.js";
import { effectiveStatus, renderApprovalMessage } from "./approval-message.js";
import { audit, type CommandContext, errorReply, guard, textReply } from "./context.js";
import { actorName, code, engineActor } from "./format.js";
import type { ApprovalRecord, ApprovalResult, ChatActor } from "./ports.js";
import type { Reply } from "./reply.js";

export interface DecisionReplies {
  /** private notes (or, for a typed command, the echo of the updated message) */
  readonly replies: Reply[];
  /** the approval message as it now stands (replaces the clicked message) */
  readonly updated: Reply | null;
}

async function reload(ctx: CommandContext, id: string, fallback: ApprovalRecord): Promise<ApprovalRecord> {
  const loaded = await ctx.deps.approvals.load(id);
  return loaded.ok && loaded.value !== null ? loaded.value : fallback;
}

async function apply(ctx: CommandContext, record: ApprovalRecord, decision: "approve" | "reject"): Promise<void> {
  const engine = ctx.deps.engine;
  const actor = engineActor(ctx.actor);
  const outcome =
    decision === "approve"
      ? await engine.approveDeletions(record.id, actor)
      : await engine.rejectDeletions(record.id, actor);
  const at = ctx.deps.clock.now();
  const result: ApprovalResult = outcome.ok
    ? {
        status:
          outcome.value.result === "applied"
            ? "applied"
            : outcome.value.result === "already_decided"
              ? "already_decided"
              : "failed",
        counts: outcome.value.counts,
        message: outcome.value.message,
        at,
      }
    : { status: "failed", counts: null, message: `${outcome.error.message} (${outcome.error.code})`, at };
  const saved = await ctx.deps.approvals.recordResult(record.id, result);
  if (!saved.ok) logFailure(ctx, saved.error, "approval result could not be stored");
  await audit(ctx, {
    command: `approval.${decision}`,
    target: record.id,
    outcome: result.status === "failed" ? "failed" : "succeeded",
    detail: result.message,
  });
}

function logFailure(ctx: CommandContext, error: AppError, message: string): void {
  ctx.deps.logger?.error({ code: error.code }, message);
}

/** What a render of the record shows: two records with the same key render the same message. */
function shownState(record: ApprovalRecord, now: Date): string {
  const { result } = record;
  return [
    effectiveStatus(record, now),
    record.decisions.length,
    record.messages.length,
    result === null ? "" : `${result.status}@${result.at.getTime()}:${result.message}`,
  ].join("|");
}

/** Bounded: the stored state only moves forward (decisions, then a status, then a result). */
const MAX_EDIT_ROUNDS = 4;

/**
 * Edit every stored message of the approval to show its STORED state, never a view taken earlier.
 * Another click may decide the approval while this edit is in flight (and its edit may land
 * first), so after editing the book is read again and, when the state moved on, the messages are
 * edited again. Whatever edit lands last was checked against the book after it landed, so a
 * decided approval is never left showing as pending. Returns the record as last read.
 */
async function showStoredState(
  ctx: CommandContext,
  approvalId: string,
  fallback: ApprovalRecord,
): Promise<ApprovalRecord> {
  const editor = ctx.deps.messages;
  let record = fallback;
  let shown: string | null = null;
  for (let round = 0; round < MAX_EDIT_ROUNDS; round++) {
    const loaded = await ctx.deps.approvals.load(approvalId);
    if (!loaded.ok) {
      // without the stored state an edit could show a stale one: leave the messages as they are
      logFailure(ctx, loaded.error, "approval could not be reloaded; its messages were not edited");
      return record;
    }
    if (loaded.value === null) return record;
    record = loaded.value;
    if (editor === undefined) return record;
    const now = ctx.deps.clock.now();
    const state = shownState(record, now);
    if (state === shown) return record;
    const reply = renderApprovalMessage(record, now, ctx.deps.config.links);
    for (const ref of record.messages) {
      const edited = await editor.edit(ref, reply);
      if (!edited.ok) logFailure(ctx, edited.error, "approval message could not be edited");
    }
    shown = state;
  }
  return record;
}

/** The person behind a chat actor, the key votes are counted by. */
function personId(actor: ChatActor): string {
  return actor.entraObjectId === undefined ? actor.id : `entra:${actor.entraObjectId.toLowerCase()}`;
}

/**
 * Approve or reject a held deletion batch: role re-checked, the stored approval loaded (the button
 * value is only a key), the decision recorded by compare-and-set, and the engine called exactly
 * once by the caller whose decision moved the approval out of `pending`.
 */
export async function decideApproval(
  ctx: CommandContext,
  approvalId: string,
  decision: "approve" | "reject",
): Promise<DecisionReplies> {
  const command = `approval.${decision}`;
  const refusal = await guard(ctx, command, "approver", approvalId);
  if (refusal !== null) return { replies: [refusal], updated: null };
  const { approvals, clock, config } = ctx.deps;
  const loaded = await approvals.load(approvalId);
  if (!loaded.ok) return { replies: [errorReply("Loading the approval", loaded.error)], updated: null };
  const record = loaded.value;
  if (record === null) {
    await audit(ctx, { command, target: approvalId, outcome: "failed", detail: "no such approval" });
    return {
      replies: [textReply(`There is no approval ${code(approvalId)}. See \`approvals\`.`, "warning", "private")],
      updated: null,
    };
  }
  const now = clock.now();

  // an approved batch whose application failed may be retried: the engine's own CAS keeps it once
  if (record.status === "approved" && record.result?.status === "failed" && decision === "approve") {
    await apply(ctx, record, "approve");
    return finish(ctx, approvalId, record, "Retried applying the approved batch.");
  }

  if (ctx.actor.identityUnknown === true && record.requiredApprovals > 1) {
    // the same person could vote again under another id: do not count this vote now
    await audit(ctx, { command, target: approvalId, outcome: "refused", detail: "identity not resolved" });
    const text =
      `This batch needs ${record.requiredApprovals} different people, and who you are could not be checked just now ` +
      "(your chat profile or Entra did not answer), so your vote was not counted. Try again in a moment.";
    return { replies: [textReply(text, "warning", "private")], updated: null };
  }

  const recorded = await approvals.recordDecision({
    approvalId,
    now,
    decision: {
      // one vote per person: the Entra object id when known (Slack resolved through its e-mail,
      // Teams directly); otherwise the platform id (the CLI: its OS user)
      actorId: personId(ctx.actor),
      actorName: actorName(ctx.actor),
      platform: ctx.actor.platform,
      decision,
      at: now,
    },
  });
  if (!recorded.ok) return { replies: [errorReply("Recording your decision", recorded.error)], updated: null };
  const result = recorded.value;

  if (result.transitioned) {
    await apply(ctx, record, decision);
    return finish(ctx, approvalId, record, null);
  }
  const current = await reload(ctx, approvalId, record);
  let note: string;
  if (result.status === "expired") {
    note = `Approval ${code(approvalId)} has expired; the batch stays held.`;
    await audit(ctx, { command, target: approvalId, outcome: "refused", detail: "expired" });
  } else if (result.duplicate) {
    note = "You have already decided on this batch; each person counts once.";
    await audit(ctx, { command, target: approvalId, outcome: "refused", detail: "duplicate decision" });
  } else if (result.status === "pending") {
    const count = result.decisions.filter((d) => d.decision === "approve").length;
    note = `Your approval is recorded: ${count} of ${current.requiredApprovals}. Waiting for another approver.`;
    if (ctx.actor.platform === "cli")
      note += ` The CLI counts as the OS user ${code(actorName(ctx.actor))}, once; another approver must decide in chat or as another OS user.`;
    await audit(ctx, {
      command,
      target: approvalId,
      outcome: "counted",
      detail: `${count} of ${current.requiredApprovals}`,
    });
  } else {
    note = `This batch was already ${result.status}.`;
    await audit(ctx, { command, target: approvalId, outcome: "refused", detail: `already ${result.status}` });
  }
  // pending and expired edit the messages from the book as it is NOW (a racing click may have decided it)
  const shown =
    result.status === "pending" || result.status === "expired"
      ? await showStoredState(ctx, approvalId, current)
      : current;
  const updated = renderApprovalMessage(shown, clock.now(), config.links);
  return { replies: [textReply(note, result.status === "pending" ? "info" : "warning", "private")], updated };
}

async function finish(
  ctx: CommandContext,
  approvalId: string,
  fallback: ApprovalRecord,
  note: string | null,
): Promise<DecisionReplies> {
  const record = await showStoredState(ctx, approvalId, fallback);
  const updated = renderApprovalMessage(record, ctx.deps.clock.now(), ctx.deps.config.links);
  const replies = note === null ? [] : [textReply(note, "info", "private")];
  return { replies, updated };
}
