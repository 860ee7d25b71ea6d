import type { SyncScope } from "../../ports/provisioning-engine.js";
import { audit, type CommandContext, errorReply, guard, textReply } from "../context.js";
import { actorName, countedList, engineActor, formatCounts, formatTime, plain } from "../format.js";
import type { Button, Reply, ReplyBlock } from "../reply.js";
import { runReply } from "./operations.js";

/**
 * Dangerous commands (`scope`, `restart`) first show what will happen with Confirm / Cancel;
 * the Confirm button performs it after the role is checked again.
 */
export const CONFIRM_ACTIONS = {
  scopeConfirm: "scope.confirm",
  scopeCancel: "scope.cancel",
  restartConfirm: "restart.confirm",
  restartCancel: "restart.cancel",
} as const;

function confirmButtons(confirm: Button, cancelActionId: string): ReplyBlock {
  return { type: "actions", buttons: [confirm, { actionId: cancelActionId, label: "Cancel", value: "cancel" }] };
}

export async function scopePreviewCommand(ctx: CommandContext, scope: SyncScope): Promise<Reply> {
  const refusal = await guard(ctx, "scope", "operator", scope);
  if (refusal !== null) return refusal;
  const preview = await ctx.deps.engine.previewScope(scope);
  if (!preview.ok) return errorReply("Previewing the scope change", preview.error);
  const p = preview.value;
  await audit(ctx, { command: "scope", target: scope, outcome: "requested", detail: `+${p.entering} -${p.leaving}` });
  if (p.from === p.to) return textReply(`The scope is already **${scope}**; nothing to change.`, "info", "private");
  const blocks: ReplyBlock[] = [
    { type: "header", text: `Change scope: ${p.from} → ${p.to}?` },
    {
      type: "facts",
      facts: [
        { label: "Entering scope", value: `${p.entering} users (will be created or updated in ABM)` },
        { label: "Leaving scope", value: `${p.leaving} users (will be deactivated in ABM)` },
      ],
    },
  ];
  if (p.examplesEntering.length > 0)
    blocks.push(countedList(p.examplesEntering.map(plain), p.entering, 10, "Entering"));
  if (p.examplesLeaving.length > 0) blocks.push(countedList(p.examplesLeaving.map(plain), p.leaving, 10, "Leaving"));
  if (p.wouldHold) {
    blocks.push({
      type: "text",
      text: "**More users leave than the deletion threshold allows:** their deactivation will be held for approval.",
    });
  }
  blocks.push({
    type: "context",
    text: "Changing the scope restarts the sync; the next cycle re-evaluates every user.",
  });
  blocks.push(
    confirmButtons(
      {
        actionId: CONFIRM_ACTIONS.scopeConfirm,
        label: `Switch to ${scope}`,
        value: scope,
        style: "danger",
        confirm: {
          title: "Change the sync scope?",
          text: `${p.entering} users enter and ${p.leaving} users leave the sync.`,
          confirm: "Change scope",
          deny: "Keep it",
        },
      },
      CONFIRM_ACTIONS.scopeCancel,
    ),
  );
  return {
    fallbackText: `Change scope ${p.from} → ${p.to}: +${p.entering} −${p.leaving}`,
    blocks,
    visibility: "private",
    tone: "warning",
  };
}

export async function restartPreviewCommand(ctx: CommandContext): Promise<Reply> {
  const refusal = await guard(ctx, "restart", "operator", null);
  if (refusal !== null) return refusal;
  const status = await ctx.deps.engine.status();
  if (!status.ok) return errorReply("Reading the status", status.error);
  const s = status.value;
  await audit(ctx, { command: "restart", target: null, outcome: "requested", detail: "" });
  const blocks: ReplyBlock[] = [
    { type: "header", text: "Restart the sync?" },
    {
      type: "text",
      text: "A restart forgets what was synced incrementally and runs a **full cycle** over every user in scope. It can take much longer than a normal cycle; failed users are retried, and deletions over the threshold are still held for approval.",
    },
    {
      type: "facts",
      facts: [
        { label: "Engine", value: s.engine },
        { label: "Scope", value: s.scope },
        { label: "Linked users", value: s.linkedUsers === null ? "—" : String(s.linkedUsers) },
        {
          label: "Last run",
          value:
            s.lastRun === null
              ? "never"
              : `${s.lastRun.outcome} at ${formatTime(s.lastRun.startedAt)}, ${formatCounts(s.lastRun.counts)}`,
        },
      ],
    },
    confirmButtons(
      {
        actionId: CONFIRM_ACTIONS.restartConfirm,
        label: "Restart",
        value: "restart",
        style: "danger",
        confirm: { title: "Restart the sync?", text: "A full cycle starts now.", confirm: "Restart", deny: "Cancel" },
      },
      CONFIRM_ACTIONS.restartCancel,
    ),
  ];
  return { fallbackText: "Restart the sync? Confirm or cancel.", blocks, visibility: "private", tone: "warning" };
}

export interface ConfirmOutcome {
  readonly replies: Reply[];
  readonly replaceOriginal: Reply | null;
}

/** Confirm button: re-check the role, validate the value, perform, echo to the channel. */
export async function confirmAction(
  ctx: CommandContext,
  which: "scope" | "restart",
  value: string,
): Promise<ConfirmOutcome> {
  const command = `${which}.confirm`;
  const scope = value === "all" || value === "assigned" ? value : null;
  const refusal = await guard(ctx, command, "operator", which === "scope" ? (scope ?? "invalid") : null);
  if (refusal !== null) return { replies: [refusal], replaceOriginal: null };
  if (which === "scope" && scope === null) {
    await audit(ctx, { command, target: value.slice(0, 40), outcome: "refused", detail: "invalid scope value" });
    return {
      replies: [
        textReply("That button is not valid any more. Run `scope <all|assigned>` again.", "warning", "private"),
      ],
      replaceOriginal: null,
    };
  }
  const actor = engineActor(ctx.actor);
  const run =
    scope !== null ? await ctx.deps.engine.setScope(scope, actor) : await ctx.deps.engine.restart(actor, "chat");
  const target = scope ?? null;
  if (!run.ok) {
    await audit(ctx, { command, target, outcome: "failed", detail: run.error.code });
    return {
      replies: [errorReply(which === "scope" ? "Changing the scope" : "The restart", run.error)],
      replaceOriginal: null,
    };
  }
  await audit(ctx, { command, target, outcome: "succeeded", detail: `${run.value.id} ${run.value.outcome}` });
  const done = textReply(`Confirmed by ${plain(actorName(ctx.actor))}.`, "success", "private");
  const title = scope !== null ? `Scope changed to ${scope}` : "Sync restarted";
  return { replies: [runReply(title, run.value, ctx)], replaceOriginal: done };
}

export async function cancelAction(ctx: CommandContext, which: "scope" | "restart"): Promise<ConfirmOutcome> {
  await audit(ctx, { command: `${which}.cancel`, target: null, outcome: "cancelled", detail: "" });
  return { replies: [], replaceOriginal: textReply(`Cancelled — nothing changed.`, "info", "private") };
}
