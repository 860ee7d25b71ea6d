import { type Answer, audit, type CommandContext, failedAnswer, guard, succeeded, textReply } from "../context.js";
import { actorName, plain } from "../format.js";

export async function alertRouteCommand(ctx: CommandContext, which: "here" | "off"): Promise<Answer> {
  const command = `alerts ${which}`;
  const where = `${ctx.conversation.platform}:${ctx.conversation.channelId}`;
  const refusal = await guard(ctx, command, "operator", where);
  if (refusal !== null) return refusal;
  const routes = ctx.deps.alertRoutes;
  const changed =
    which === "here" ? await routes.add(ctx.conversation, ctx.actor.id) : await routes.remove(ctx.conversation);
  if (!changed.ok) {
    await audit(ctx, { command, target: where, outcome: "failed", detail: changed.error.code });
    return failedAnswer(which === "here" ? "Adding the alert route" : "Removing the alert route", changed.error);
  }
  await audit(ctx, { command, target: where, outcome: "succeeded", detail: changed.value ? "changed" : "unchanged" });
  const who = plain(actorName(ctx.actor));
  const data = { route: { ...ctx.conversation }, posting: which === "here", changed: changed.value };
  if (which === "here") {
    return succeeded(data, [
      changed.value
        ? textReply(
            `**Alerts will be posted here** (set by ${who}): failures, quarantine, deletion approvals, token expiry.`,
            "success",
            "channel",
          )
        : textReply("Alerts are already posted here.", "info", "private"),
    ]);
  }
  return succeeded(data, [
    changed.value
      ? textReply(`**Alerts are no longer posted here** (turned off by ${who}).`, "info", "channel")
      : textReply("Alerts were not posted here; nothing changed.", "info", "private"),
  ]);
}
