import { type AppleOrganization, organizationWords } from "../../organization.js";
import {
  activeExpiry,
  daysUntil,
  type ScimTokenExpiry,
  type ScimTokenState,
  TOKEN_OVERLAP_DAYS,
} from "../../scim-token.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { formatTime, linksBlock } from "../format.js";
import type { Fact, Reply, ReplyBlock } from "../reply.js";

/** Apple's two-token overlap, as the steps an admin follows (the `token` command and the token alerts). */
export function overlapSteps(organization: AppleOrganization): string[] {
  const apple = organizationWords(organization);
  return [
    `${TOKEN_OVERLAP_DAYS} days before the current token expires, create a second token in ${apple.name} → Preferences → Directory Sync → SCIM (${apple.short} allows two at once).`,
    "Set it as `ABM_SCIM_TOKEN_NEXT` (its expiry as `ABM_SCIM_TOKEN_NEXT_EXPIRES`) and restart the service.",
    `The service switches to it by itself when ${apple.short} answers 401 to the current token, says so in the alert channels and keeps using it. To switch now, swap the two variables and restart.`,
    `Revoke the first token in ${apple.name}, then put the new token in \`ABM_SCIM_TOKEN\` (its date in \`ABM_SCIM_TOKEN_EXPIRES\`) and unset \`ABM_SCIM_TOKEN_NEXT\`.`,
  ];
}

const SOURCE_WORDS = { configured: "from the …_EXPIRES variable", jwt: "read from the token (JWT exp)" } as const;

function expiryText(expiry: ScimTokenExpiry | null, now: Date, variable: string): string {
  if (expiry === null) return `unknown — set \`${variable}\` (the date ABM shows)`;
  const days = daysUntil(expiry.at, now);
  const left = days <= 0 ? "**expired**" : `**${days} day${days === 1 ? "" : "s"}** left`;
  return `${left}, ${formatTime(expiry.at)} (${SOURCE_WORDS[expiry.source]})`;
}

function expiryData(expiry: ScimTokenExpiry | null, now: Date) {
  return expiry === null
    ? { expiresAt: null, daysLeft: null, source: null }
    : { expiresAt: expiry.at.toISOString(), daysLeft: daysUntil(expiry.at, now), source: expiry.source };
}

/** What to do now, in one line: nothing, create the next token, or finish the rotation. */
function advice(
  state: ScimTokenState,
  now: Date,
  organization: AppleOrganization,
): { text: string; tone: Reply["tone"] } {
  const apple = organizationWords(organization);
  if (state.active === "next")
    return {
      text: `This service switched to the next token ${formatTime(state.switchedAt)} because ${apple.short} refused the current one. Finish the rotation (step 4).`,
      tone: "warning",
    };
  const expiry = activeExpiry(state);
  const days = expiry === null ? null : daysUntil(expiry.at, now);
  if (state.next !== null)
    return {
      text: "A next token is configured: the service switches to it when the current one is refused.",
      tone: days !== null && days <= 7 ? "warning" : "success",
    };
  if (days !== null && days <= TOKEN_OVERLAP_DAYS)
    return {
      text: `Create the next token now (step 1): the current one expires in ${Math.max(days, 0)} days and no \`ABM_SCIM_TOKEN_NEXT\` is set.`,
      tone: days <= 7 ? "danger" : "warning",
    };
  return { text: "Nothing to do yet.", tone: "success" };
}

function tokenReply(ctx: CommandContext, state: ScimTokenState, now: Date): Reply {
  const { organization } = ctx.deps.config.links;
  const apple = organizationWords(organization);
  const facts: Fact[] = [
    { label: "In use", value: state.active === "next" ? "the next token (`ABM_SCIM_TOKEN_NEXT`)" : "`ABM_SCIM_TOKEN`" },
    { label: "Current token", value: expiryText(state.current.expiry, now, "ABM_SCIM_TOKEN_EXPIRES") },
    {
      label: "Next token",
      value:
        state.next === null
          ? "not configured (`ABM_SCIM_TOKEN_NEXT`)"
          : expiryText(state.next.expiry, now, "ABM_SCIM_TOKEN_NEXT_EXPIRES"),
    },
  ];
  if (state.switchedAt !== null) facts.push({ label: "Switched", value: formatTime(state.switchedAt) });
  const { text, tone } = advice(state, now, organization);
  const blocks: ReplyBlock[] = [
    { type: "header", text: `${apple.short} SCIM token` },
    { type: "facts", facts },
    { type: "text", text },
    {
      type: "list",
      title: "Apple's two-token overlap",
      items: overlapSteps(organization).map((s, i) => `${i + 1}. ${s}`),
      total: 4,
    },
    ...linksBlock(ctx.deps.config.links, ["directorySync"]),
  ];
  return { fallbackText: `${apple.short} SCIM token: ${text}`, blocks, visibility: "private", tone };
}

/** `token`: days left of the SCIM token in use, whether a next one is set, and the steps of Apple's overlap. */
export async function tokenCommand(ctx: CommandContext): Promise<Answer> {
  const status = await ctx.deps.engine.status();
  if (!status.ok) return failedAnswer("Reading the token", status.error);
  const now = ctx.deps.clock.now();
  const apple = organizationWords(ctx.deps.config.links.organization);
  const state = status.value.scimToken;
  if (state === undefined) {
    const text = `With the \`entra\` engine, Entra's provisioning job holds the ${apple.short} token (its Secret Token): renew it there. Steps of the overlap still apply, with Entra's Secret Token in place of \`ABM_SCIM_TOKEN\`.`;
    return succeeded(
      { engine: status.value.engine, token: null, tokenExpiresAt: status.value.tokenExpiresAt?.toISOString() ?? null },
      [{ fallbackText: text.replace(/`/g, ""), blocks: [{ type: "text", text }], visibility: "private", tone: "info" }],
    );
  }
  const data = {
    engine: status.value.engine,
    token: {
      active: state.active,
      switchedAt: state.switchedAt?.toISOString() ?? null,
      current: expiryData(state.current.expiry, now),
      next: state.next === null ? null : expiryData(state.next.expiry, now),
      steps: overlapSteps(ctx.deps.config.links.organization),
    },
  };
  return succeeded(data, [tokenReply(ctx, state, now)]);
}
