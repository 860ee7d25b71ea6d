import type { Approval } from "../../approvals/approval.js";
import { toAppError } from "../../errors.js";
import { ALERT_KIND_INFO, ALERT_KINDS, describeKinds, receives, type SubscribedKinds } from "../alerts/kinds.js";
import { type Answer, audit, type CommandContext, failedAnswer, guard, succeeded, textReply } from "../context.js";
import { actorName, code, formatTime, plain } from "../format.js";
import type { Reply } from "../reply.js";

function kindsText(kinds: SubscribedKinds): string {
  const named = kinds === "all" ? ALERT_KINDS : kinds;
  return named.map((kind) => `${kind} (${ALERT_KIND_INFO[kind]})`).join("; ");
}

/** `alerts here [kinds]`: subscribe this conversation (or change its kinds); audited. */
export async function alertsHereCommand(ctx: CommandContext, kinds: SubscribedKinds): Promise<Answer> {
  const command = "alerts here";
  const where = `${ctx.conversation.platform}:${ctx.conversation.channelId}`;
  const refusal = await guard(ctx, command, "operator", where);
  if (refusal !== null) return refusal;
  const changed = await ctx.deps.alertRoutes.set(ctx.conversation, kinds, ctx.actor.id);
  if (!changed.ok) {
    await audit(ctx, { command, target: where, outcome: "failed", detail: changed.error.code });
    return failedAnswer("Adding the alert route", changed.error);
  }
  const change = changed.value;
  await audit(ctx, {
    command,
    target: where,
    outcome: "succeeded",
    detail: `${change}: ${describeKinds(kinds)}`,
  });
  const who = plain(actorName(ctx.actor));
  // a batch already held for approval reaches a channel that now receives deletions (the first
  // `alerts here` is often typed after the threshold tripped): the outbox posts it here, with buttons
  const held = change !== "unchanged" && receives(kinds, "deletions") ? await heldApproval(ctx) : null;
  const data = {
    route: { ...ctx.conversation },
    posting: true,
    changed: change !== "unchanged",
    change,
    kinds: kinds === "all" ? "all" : [...kinds],
    heldApproval: held?.id ?? null,
  };
  const alsoHeld = held === null ? "" : `\nThe batch held for approval ${code(held.id)} is posted here next.`;
  const reply =
    change === "unchanged"
      ? textReply(`Alerts are already posted here (${describeKinds(kinds)}).`, "info", "private")
      : textReply(
          `**Alerts will be posted here** (${change === "added" ? "set" : "changed"} by ${who}): ${kindsText(kinds)}.${alsoHeld}`,
          "success",
          "channel",
        );
  if (held !== null) ctx.deps.events.emit({ type: "approval_changed", approval: held });
  return succeeded(data, [reply]);
}

/** The approval pending now, if any (a store that cannot be read only loses this extra: the route is set). */
async function heldApproval(ctx: CommandContext): Promise<Approval | null> {
  try {
    return await ctx.deps.approvals.pending();
  } catch (error) {
    ctx.deps.logger?.warn(
      { code: toAppError(error, "db.query_failed").code },
      "the pending approval could not be read for the new alert channel",
    );
    return null;
  }
}

/** `alerts off`: no alert of any kind here any more; audited. */
export async function alertsOffCommand(ctx: CommandContext): Promise<Answer> {
  const command = "alerts off";
  const where = `${ctx.conversation.platform}:${ctx.conversation.channelId}`;
  const refusal = await guard(ctx, command, "operator", where);
  if (refusal !== null) return refusal;
  const changed = await ctx.deps.alertRoutes.remove(ctx.conversation);
  if (!changed.ok) {
    await audit(ctx, { command, target: where, outcome: "failed", detail: changed.error.code });
    return failedAnswer("Removing the alert route", changed.error);
  }
  await audit(ctx, { command, target: where, outcome: "succeeded", detail: changed.value ? "changed" : "unchanged" });
  const who = plain(actorName(ctx.actor));
  const data = { route: { ...ctx.conversation }, posting: false, changed: changed.value };
  return succeeded(data, [
    changed.value
      ? textReply(`**Alerts are no longer posted here** (turned off by ${who}).`, "info", "channel")
      : textReply("Alerts were not posted here; nothing changed.", "info", "private"),
  ]);
}

/** `alerts list`: every channel of this connection with its kinds, who set it and when; and the digests. */
export async function alertsListCommand(ctx: CommandContext): Promise<Answer> {
  const routes = await ctx.deps.alertRoutes.list();
  if (!routes.ok) return failedAnswer("Listing the alert routes", routes.error);
  const digests = await ctx.deps.digest.subscriptions.list();
  if (!digests.ok) return failedAnswer("Listing the digest subscriptions", digests.error);
  const here = (platform: string, channelId: string) =>
    platform === ctx.conversation.platform && channelId === ctx.conversation.channelId ? " (here)" : "";
  const routeLines = routes.value.map(
    (r) =>
      `${r.platform} ${code(r.channelId)}${here(r.platform, r.channelId)}: **${describeKinds(r.kinds)}** — ${
        r.setBy === null ? "configured (`ABM_ALERT_CHANNELS`)" : `set by ${plain(r.setBy)} ${formatTime(r.setAt)}`
      }`,
  );
  const digestLines = digests.value.map(
    (d) =>
      `${d.platform} ${code(d.channelId)}${here(d.platform, d.channelId)}: **${d.cadence}** — set by ${plain(d.setBy)} ${formatTime(d.setAt)}`,
  );
  const blocks: Reply["blocks"][number][] = [{ type: "header", text: "Alert routes" }];
  blocks.push(
    routeLines.length === 0
      ? { type: "text", text: "No channel receives alerts. Type `alerts here` in one." }
      : { type: "list", items: routeLines, total: routeLines.length },
  );
  if (digestLines.length > 0)
    blocks.push({ type: "list", title: "Digests", items: digestLines, total: digestLines.length });
  blocks.push({ type: "context", text: `Kinds: ${ALERT_KINDS.join(", ")} (or all).` });
  const reply: Reply = {
    fallbackText: [...routeLines, ...digestLines].join("\n").replace(/\*\*|`/g, "") || "No channel receives alerts.",
    blocks,
    visibility: "private",
    tone: "info",
  };
  const data = {
    routes: routes.value.map((r) => ({
      platform: r.platform,
      channelId: r.channelId,
      kinds: r.kinds === "all" ? "all" : [...r.kinds],
      source: r.setBy === null ? "configured" : "chat",
      setBy: r.setBy,
      setAt: r.setAt,
    })),
    digests: digests.value.map((d) => ({ ...d })),
  };
  return succeeded(data, [reply]);
}
