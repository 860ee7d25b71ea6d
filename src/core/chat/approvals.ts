import { type Approval, approvalData, effectiveStatus } from "../approvals/approval.js";
import { AppError } from "../errors.js";
import { renderApprovalMessage } from "./approval-message.js";
import { type Answer, audit, auditActor, type CommandContext, failed, guard, succeeded, textReply } from "./context.js";
import { actorName, code, engineActor } from "./format.js";
import type { ChatActor } from "./ports.js";
import type { Reply } from "./reply.js";

/** The person behind a chat actor, the key votes are counted by. */
function personId(actor: ChatActor): string {
  return actor.entraObjectId === undefined ? actor.id : `entra:${actor.entraObjectId.toLowerCase()}`;
}

/** What a decision answers: `--json` data, the note for the person, and the approval as it now stands. */
export interface DecisionAnswer {
  readonly answer: Answer;
  /** the approval message as it now stands (replaces the clicked message); null when nothing was found */
  readonly updated: Reply | null;
}

async function current(ctx: CommandContext, id: string, fallback: Approval): Promise<Approval> {
  return (await ctx.deps.approvals.get(id)) ?? fallback;
}

function decisionData(ctx: CommandContext, approval: Approval, decision: "approve" | "reject") {
  return { decision, approval: approvalData(approval, ctx.deps.clock.now()) };
}

/** The engine executes (approve) or acknowledges (reject) a decided approval; the result is stored and audited. */
async function execute(ctx: CommandContext, approval: Approval, decision: "approve" | "reject"): Promise<Approval> {
  const { engine, approvals, clock } = ctx.deps;
  const actor = engineActor(ctx.actor);
  const command = `approval.${decision}`;
  if (decision === "approve") {
    const done = await engine.applyApproval(approval, actor);
    if (!done.ok && done.error.code === "approval.not_granted") {
      // another caller claimed it first (a racing retry): its result stands
      await audit(ctx, { command, target: approval.id, outcome: "refused", detail: "already being applied" });
      return current(ctx, approval.id, approval);
    }
    const at = clock.now();
    const result = done.ok
      ? { ...done.value, at }
      : { status: "failed" as const, counts: null, message: `${done.error.message} (${done.error.code})`, at };
    await approvals.setResult(approval.id, result, at, {
      ...auditActor(ctx, command),
      target: approval.id,
      outcome: result.status === "failed" ? "failed" : "succeeded",
      detail: result.message,
    });
  } else {
    const done = await engine.rejectApproval(approval, actor);
    const message = done.ok ? `Rejected: ${done.value}` : `${done.error.message} (${done.error.code})`;
    const at = clock.now();
    await approvals.setResult(approval.id, { status: done.ok ? "applied" : "failed", counts: null, message, at }, at, {
      ...auditActor(ctx, command),
      target: approval.id,
      outcome: done.ok ? "succeeded" : "failed",
      detail: message,
    });
  }
  const after = await current(ctx, approval.id, approval);
  // every posted message of the approval is re-rendered from the store (the alert outbox edits them)
  ctx.deps.events.emit({ type: "approval_changed", approval: after });
  return after;
}

/**
 * Approve or reject a held batch, from a button or a typed command alike: the role re-checked,
 * the stored approval loaded (the button value is only a key), the vote recorded by
 * compare-and-set, and the engine called exactly once by the caller whose vote moved the approval
 * out of `pending`.
 */
export async function decideApproval(
  ctx: CommandContext,
  approvalId: string,
  decision: "approve" | "reject",
): Promise<DecisionAnswer> {
  const command = `approval.${decision}`;
  const refusal = await guard(ctx, command, "approver", approvalId);
  if (refusal !== null) return { answer: refusal, updated: null };
  const { approvals, clock, config } = ctx.deps;
  let found = await approvals.get(approvalId);
  if (found === null) {
    // an engine that learns of held batches by looking (entra) may not have stored this one yet
    await refreshHeld(ctx);
    found = await approvals.get(approvalId);
  }
  if (found === null) {
    await audit(ctx, { command, target: approvalId, outcome: "failed", detail: "no such approval" });
    const text = `There is no approval ${code(approvalId)}. See \`approvals\`.`;
    return {
      answer: failed(new AppError("approval.not_found", text.replace(/`/g, "")), textReply(text, "warning", "private")),
      updated: null,
    };
  }
  const render = (approval: Approval): Reply => renderApprovalMessage(approval, clock.now(), config.links);
  /** the private note, and the approval as the store holds it NOW (a racing click may have decided it) */
  const note = async (
    approval: Approval,
    text: string,
    tone: Reply["tone"],
    error: AppError | null,
  ): Promise<DecisionAnswer> => {
    const reply = textReply(text, tone, "private");
    const now = await current(ctx, approval.id, approval);
    return {
      answer: error === null ? succeeded(decisionData(ctx, now, decision), [reply]) : failed(error, reply),
      updated: render(now),
    };
  };

  // an approved batch whose execution FAILED may be retried (the engine's compare-and-set keeps it
  // once); an approved batch without a result is being applied right now by the winning vote
  if (found.status === "approved" && found.result?.status === "failed" && decision === "approve") {
    const after = await execute(ctx, found, "approve");
    return { answer: succeeded(decisionData(ctx, after, decision), []), updated: render(after) };
  }

  if (ctx.actor.identityUnknown === true && found.requiredApprovals > 1) {
    // the same person could vote again under another id: do not count this vote now
    await audit(ctx, { command, target: approvalId, outcome: "refused", detail: "identity not resolved" });
    const text =
      `This batch needs ${found.requiredApprovals} different people, and who you are could not be checked just now ` +
      "(your chat profile or Entra did not answer), so your vote was not counted. Try again in a moment.";
    return note(found, text, "warning", new AppError("approval.identity_unknown", text, { retryable: true }));
  }

  const now = clock.now();
  const voted = await approvals.vote(
    approvalId,
    {
      // one vote per person: the Entra object id when known (Slack resolved through its e-mail,
      // Teams directly); otherwise the platform id (the CLI: its OS user)
      actorId: personId(ctx.actor),
      actorName: actorName(ctx.actor),
      platform: ctx.actor.platform,
      decision,
      at: now,
    },
    now,
    auditActor(ctx, command),
  );
  if (voted === null) return decideApproval(ctx, approvalId, decision);
  const { approval } = voted;

  if (voted.transitioned) {
    const after = await execute(ctx, approval, decision);
    return { answer: succeeded(decisionData(ctx, after, decision), []), updated: render(after) };
  }
  const status = effectiveStatus(approval, clock.now());
  if (voted.outcome === "expired") {
    ctx.deps.events.emit({ type: "approval_changed", approval });
    const text = `Approval ${code(approvalId)} has expired; the batch stays held.`;
    return note(approval, text, "warning", new AppError("approval.expired", text.replace(/`/g, "")));
  }
  if (voted.outcome === "duplicate" && status === "pending") {
    const text = "You have already decided on this batch; each person counts once.";
    return note(approval, text, "warning", new AppError("approval.duplicate_vote", text));
  }
  if (status === "pending") {
    const count = approval.votes.filter((d) => d.decision === "approve").length;
    let text = `Your approval is recorded: ${count} of ${approval.requiredApprovals}. Waiting for another approver.`;
    if (ctx.actor.platform === "cli")
      text += ` The CLI counts as the OS user ${code(actorName(ctx.actor))}, once; another approver must decide in chat or as another OS user.`;
    ctx.deps.events.emit({ type: "approval_changed", approval });
    return note(approval, text, "info", null);
  }
  const text = `This batch was already ${status === "applied" ? "approved and applied" : status}.`;
  return note(approval, text, "warning", new AppError("approval.closed", text));
}

/** Engines that learn about held batches by looking (entra) store them before anyone reads the list. */
export async function refreshHeld(ctx: CommandContext): Promise<void> {
  const refreshed = await ctx.deps.engine.refreshApprovals();
  if (!refreshed.ok) throw refreshed.error;
}
