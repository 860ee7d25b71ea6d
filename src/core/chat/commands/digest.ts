import { type Answer, audit, type CommandContext, failedAnswer, guard, succeeded, textReply } from "../context.js";
import { composeDigest, renderDigest } from "../digest/digest.js";
import { currentPeriod, type DigestCadence } from "../digest/period.js";
import { actorName, plain } from "../format.js";

function timeText(ctx: CommandContext): string {
  const at = ctx.deps.digest.at;
  return `${String(at.hour).padStart(2, "0")}:${String(at.minute).padStart(2, "0")} ${at.timeZone}`;
}

/** `digest daily|weekly|off`: subscribe this conversation to the digest (or stop it); audited. */
export async function digestCommand(ctx: CommandContext, cadence: DigestCadence | null): Promise<Answer> {
  const command = `digest ${cadence ?? "off"}`;
  const where = `${ctx.conversation.platform}:${ctx.conversation.channelId}`;
  const refusal = await guard(ctx, command, "operator", where);
  if (refusal !== null) return refusal;
  const changed = await ctx.deps.digest.subscriptions.set(ctx.conversation, cadence, ctx.actor.id);
  if (!changed.ok) {
    await audit(ctx, { command, target: where, outcome: "failed", detail: changed.error.code });
    return failedAnswer("Changing the digest", changed.error);
  }
  await audit(ctx, { command, target: where, outcome: "succeeded", detail: changed.value });
  const who = plain(actorName(ctx.actor));
  const data = { route: { ...ctx.conversation }, cadence, change: changed.value, at: ctx.deps.digest.at };
  if (changed.value === "unchanged")
    return succeeded(data, [
      textReply(
        cadence === null
          ? "No digest is posted here; nothing changed."
          : `The ${cadence} digest is already posted here.`,
        "info",
        "private",
      ),
    ]);
  const when = cadence === "daily" ? `every day at ${timeText(ctx)}` : `every Monday at ${timeText(ctx)}`;
  return succeeded(data, [
    cadence === null
      ? textReply(`**The digest is no longer posted here** (turned off by ${who}).`, "info", "channel")
      : textReply(`**A ${cadence} digest will be posted here** ${when} (set by ${who}).`, "success", "channel"),
  ]);
}

/** `digest show [daily|weekly]`: the period so far, as the digest would say it. */
export async function digestShowCommand(ctx: CommandContext, cadence: DigestCadence): Promise<Answer> {
  const now = ctx.deps.clock.now();
  const period = currentPeriod(cadence, ctx.deps.digest.at, now);
  const digest = await composeDigest(ctx.deps.digest.sources, period, ctx.deps.digest.at, now);
  if (!digest.ok) return failedAnswer("Composing the digest", digest.error);
  return succeeded({ digest: digest.value }, [
    { ...renderDigest(digest.value, ctx.deps.config.links), visibility: "private" },
  ]);
}
