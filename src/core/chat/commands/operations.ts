import type { RunSummary } from "../../ports/provisioning-engine.js";
import { type Answer, audit, type CommandContext, failedAnswer, guard, succeeded, textReply } from "../context.js";
import { actorName, code, engineActor, formatCounts, linksBlock, plain } from "../format.js";
import { leaversNote } from "../leavers.js";
import type { Reply } from "../reply.js";
import { listBlock } from "../reply.js";

/** A state change echoed to the channel so everyone sees who did what. */
export function runReply(title: string, run: RunSummary, ctx: CommandContext, dryRun = false): Reply {
  const tone =
    run.outcome === "failed"
      ? "danger"
      : run.outcome === "succeeded" || run.outcome === "running"
        ? "success"
        : "warning";
  const lines = [
    dryRun
      ? `**${title}** (dry run, nothing changed) by ${plain(actorName(ctx.actor))}: would do ${formatCounts(run.counts)}.`
      : `**${title}** by ${plain(actorName(ctx.actor))}: run ${code(run.id)} ${run.outcome} — ${formatCounts(run.counts)}.`,
  ];
  if (run.error !== null) lines.push(`Error: ${plain(run.error.message)} (${code(run.error.code)})`);
  if (run.counts.failed > 0) lines.push("Run `errors` to see why users failed.");
  if (run.counts.held > 0)
    lines.push(
      dryRun
        ? "Removals over the threshold would be held for approval."
        : "Deletions were held for approval — see `approvals`.",
    );
  if (run.counts.deactivated > 0) lines.push(leaversNote(ctx.deps.config.links.organization, dryRun ? "will" : "done"));
  return {
    fallbackText: `${title}: ${run.outcome}`,
    blocks: [{ type: "text", text: lines.join("\n") }, ...linksBlock(ctx.deps.config.links, ["activity"])],
    // a dry run changed nothing: only the asker sees it
    visibility: dryRun ? "private" : "channel",
    tone,
  };
}

export async function syncCommand(ctx: CommandContext, full: boolean, dryRun: boolean): Promise<Answer> {
  const command = `sync${full ? " --full" : ""}${dryRun ? " --dry-run" : ""}`;
  const refusal = await guard(ctx, command, "operator", null);
  if (refusal !== null) return refusal;
  const run = await ctx.deps.engine.runCycle({
    kind: full ? "full" : "incremental",
    trigger: ctx.actor.platform === "cli" ? "cli" : "chat",
    actor: engineActor(ctx.actor),
    dryRun,
  });
  if (!run.ok) {
    await audit(ctx, { command, target: null, outcome: "failed", detail: run.error.code });
    return failedAnswer("The sync", run.error);
  }
  const reply = runReply(full ? "Full sync" : "Sync", run.value, ctx, dryRun);
  if (dryRun) return succeeded({ run: run.value, dryRun }, [reply]);
  await audit(ctx, {
    command,
    target: run.value.id,
    outcome: "succeeded",
    detail: `${run.value.outcome}: ${formatCounts(run.value.counts)}`,
  });
  return succeeded({ run: run.value, dryRun }, [reply]);
}

export async function provisionCommand(ctx: CommandContext, user: string): Promise<Answer> {
  const refusal = await guard(ctx, "provision", "operator", user);
  if (refusal !== null) return refusal;
  const result = await ctx.deps.engine.provisionUser(user, engineActor(ctx.actor));
  if (!result.ok) {
    await audit(ctx, { command: "provision", target: user, outcome: "failed", detail: result.error.code });
    return failedAnswer(`Provisioning ${user}`, result.error);
  }
  const value = result.value;
  await audit(ctx, {
    command: "provision",
    target: user,
    outcome: value.status === "failed" ? "failed" : "succeeded",
    detail: `${value.action} ${value.status}`,
  });
  const tone = value.status === "failed" ? "danger" : value.status === "skipped" ? "warning" : "success";
  return succeeded({ result: value }, [
    {
      fallbackText: `Provision ${user}: ${value.status}`,
      blocks: [
        {
          type: "text",
          text: `**Provision ${plain(user)}** by ${plain(actorName(ctx.actor))}: ${value.action} ${value.status} — ${plain(value.detail)}`,
        },
        listBlock(
          value.steps.map((s) => `${plain(s.name)}: ${s.status} — ${plain(s.detail)}`),
          10,
          "Steps",
        ),
        ...linksBlock(ctx.deps.config.links, ["activity"]),
      ],
      visibility: "channel",
      tone,
    },
  ]);
}

export async function pauseResumeCommand(ctx: CommandContext, which: "pause" | "resume"): Promise<Answer> {
  const refusal = await guard(ctx, which, "operator", null);
  if (refusal !== null) return refusal;
  const actor = engineActor(ctx.actor);
  const done = which === "pause" ? await ctx.deps.engine.pause(actor) : await ctx.deps.engine.resume(actor);
  if (!done.ok) {
    await audit(ctx, { command: which, target: null, outcome: "failed", detail: done.error.code });
    return failedAnswer(which === "pause" ? "Pausing" : "Resuming", done.error);
  }
  await audit(ctx, { command: which, target: null, outcome: "succeeded", detail: "" });
  const text =
    which === "pause"
      ? `**Sync paused** by ${plain(actorName(ctx.actor))}. Scheduled cycles stop until \`resume\`.`
      : `**Sync resumed** by ${plain(actorName(ctx.actor))}. Scheduled cycles run again.`;
  return succeeded({ paused: which === "pause" }, [
    textReply(text, which === "pause" ? "warning" : "success", "channel"),
  ]);
}
