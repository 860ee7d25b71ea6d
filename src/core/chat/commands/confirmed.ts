import { organizationWords } from "../../organization.js";
import type { SyncScope } from "../../ports/provisioning-engine.js";
import { type Answer, audit, type CommandContext, failedAnswer, guard, succeeded, textReply } from "../context.js";
import { actorName, countedList, engineActor, formatCounts, formatTime, plain } from "../format.js";
import type { Mode } from "../grammar.js";
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

/** `scope <all|assigned>`: `preview` shows who enters and leaves (with Confirm in chat), `apply` changes it. */
export async function scopeCommand(ctx: CommandContext, scope: SyncScope, mode: Mode): Promise<Answer> {
  if (mode === "apply") return applyChange(ctx, "scope", scope);
  const refusal = await guard(ctx, "scope", "operator", scope);
  if (refusal !== null) return refusal;
  const preview = await ctx.deps.engine.previewScope(scope);
  if (!preview.ok) return failedAnswer("Previewing the scope change", preview.error);
  const p = preview.value;
  await audit(ctx, { command: "scope", target: scope, outcome: "requested", detail: `+${p.entering} -${p.leaving}` });
  if (p.from === p.to)
    return succeeded({ preview: p }, [
      textReply(`The scope is already **${scope}**; nothing to change.`, "info", "private"),
    ]);
  const blocks: ReplyBlock[] = [
    { type: "header", text: `Change scope: ${p.from} → ${p.to}?` },
    {
      type: "facts",
      facts: [
        {
          label: "Entering scope",
          value: `${p.entering} users (will be created or updated in ${organizationWords(ctx.deps.config.links.organization).short})`,
        },
        {
          label: "Leaving scope",
          value: `${p.leaving} users (will be deactivated in ${organizationWords(ctx.deps.config.links.organization).short})`,
        },
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
  const reply: Reply = {
    fallbackText: `Change scope ${p.from} → ${p.to}: +${p.entering} −${p.leaving}`,
    blocks,
    visibility: "private",
    tone: "warning",
  };
  return succeeded({ preview: p }, [reply]);
}

/** `restart`: `preview` says what a restart does (with Confirm in chat), `apply` restarts. */
export async function restartCommand(ctx: CommandContext, mode: Mode): Promise<Answer> {
  if (mode === "apply") return applyChange(ctx, "restart", null);
  const refusal = await guard(ctx, "restart", "operator", null);
  if (refusal !== null) return refusal;
  const status = await ctx.deps.engine.status();
  if (!status.ok) return failedAnswer("Reading the status", status.error);
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
  const reply: Reply = {
    fallbackText: "Restart the sync? Confirm or cancel.",
    blocks,
    visibility: "private",
    tone: "warning",
  };
  return succeeded({ preview: { engine: s.engine, scope: s.scope, linkedUsers: s.linkedUsers, lastRun: s.lastRun } }, [
    reply,
  ]);
}

/** Performs a scope change or a restart: role checked, audited, echoed to the channel. */
async function applyChange(
  ctx: CommandContext,
  which: "scope" | "restart",
  scope: SyncScope | null,
  command: string = which,
): Promise<Answer> {
  const refusal = await guard(ctx, command, "operator", scope);
  if (refusal !== null) return refusal;
  const actor = engineActor(ctx.actor);
  const trigger = ctx.actor.platform === "cli" ? "cli" : "chat";
  const run =
    scope !== null ? await ctx.deps.engine.setScope(scope, actor) : await ctx.deps.engine.restart(actor, trigger);
  if (!run.ok) {
    await audit(ctx, { command, target: scope, outcome: "failed", detail: run.error.code });
    return failedAnswer(which === "scope" ? "Changing the scope" : "The restart", run.error);
  }
  await audit(ctx, { command, target: scope, outcome: "succeeded", detail: `${run.value.id} ${run.value.outcome}` });
  const title = scope !== null ? `Scope changed to ${scope}` : "Sync restarted";
  const data = scope === null ? { run: run.value } : { scope, run: run.value };
  return succeeded(data, [runReply(title, run.value, ctx)]);
}

export interface ConfirmOutcome {
  readonly replies: Reply[];
  readonly replaceOriginal: Reply | null;
}

/** Confirm button: the value re-checked, then the same change the typed command makes. */
export async function confirmAction(
  ctx: CommandContext,
  which: "scope" | "restart",
  value: string,
): Promise<ConfirmOutcome> {
  const command = `${which}.confirm`;
  const scope = value === "all" || value === "assigned" ? value : null;
  if (which === "scope" && scope === null) {
    await audit(ctx, { command, target: value.slice(0, 40), outcome: "refused", detail: "invalid scope value" });
    return {
      replies: [
        textReply("That button is not valid any more. Run `scope <all|assigned>` again.", "warning", "private"),
      ],
      replaceOriginal: null,
    };
  }
  const answer = await applyChange(ctx, which, scope, command);
  if (!answer.ok) return { replies: [...answer.replies], replaceOriginal: null };
  const done = textReply(`Confirmed by ${plain(actorName(ctx.actor))}.`, "success", "private");
  return { replies: [...answer.replies], replaceOriginal: done };
}

export async function cancelAction(ctx: CommandContext, which: "scope" | "restart"): Promise<ConfirmOutcome> {
  await audit(ctx, { command: `${which}.cancel`, target: null, outcome: "cancelled", detail: "" });
  return { replies: [], replaceOriginal: textReply(`Cancelled — nothing changed.`, "info", "private") };
}
