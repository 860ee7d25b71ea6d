import { organizationWords } from "../../organization.js";
import type { UserCheck } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { code, count, formatTime, linksBlock, plain } from "../format.js";
import type { Fact, Reply, ReplyBlock } from "../reply.js";
import { listBlock } from "../reply.js";

const SHOWN_ATTRIBUTES = ["userPrincipalName", "mail", "givenName", "surname", "accountEnabled", "department"];

function renderCheck(check: UserCheck, ctx: CommandContext): Reply {
  const facts: Fact[] = [
    { label: "Entra", value: check.source === null ? "not found" : code(check.source.id) },
    { label: "In scope", value: `${check.inScope ? "yes" : "no"} — ${plain(check.scopeReason)}` },
  ];
  if (check.source !== null) {
    for (const name of SHOWN_ATTRIBUTES) {
      const value = check.source.attributes[name];
      if (value !== undefined) facts.push({ label: name, value: value === null ? "(empty)" : plain(String(value)) });
    }
  }
  facts.push({ label: "Would send userName", value: check.payload === null ? "—" : plain(check.payload.userName) });
  facts.push({
    label: `In ${organizationWords(ctx.deps.config.links.organization).short}`,
    value:
      check.target === null
        ? "no"
        : `yes (${check.target.active ? "active" : "inactive"}), id ${code(check.target.id)}`,
  });
  if (check.lastResult !== null) {
    facts.push({
      label: "Last result",
      value: `${check.lastResult.action} ${check.lastResult.status} at ${formatTime(check.lastResult.at)}: ${plain(check.lastResult.detail)}`,
    });
  }
  const blocks: ReplyBlock[] = [
    { type: "header", text: `Check ${plain(check.query)}` },
    { type: "facts", facts },
  ];
  if (check.problems.length > 0) {
    blocks.push(
      listBlock(
        check.problems.map((p) => `**${plain(p.field)}**: ${plain(p.message)} — fix: ${plain(p.fix)}`),
        10,
        "Problems",
      ),
    );
  }
  for (const note of check.notes.slice(0, 5)) blocks.push({ type: "context", text: plain(note) });
  blocks.push(...linksBlock(ctx.deps.config.links, ["entra", "activity"]));
  const verdict =
    check.problems.length > 0 ? count(check.problems.length, "problem") : check.inScope ? "in scope" : "out of scope";
  return {
    fallbackText: `Check ${check.query}: ${verdict}`,
    blocks,
    visibility: "private",
    tone: check.problems.length > 0 ? "warning" : "info",
  };
}

/** Private: it shows one person's attributes. */
export async function checkCommand(ctx: CommandContext, user: string): Promise<Answer> {
  const check = await ctx.deps.engine.checkUser(user);
  return check.ok
    ? succeeded({ check: check.value }, [renderCheck(check.value, ctx)])
    : failedAnswer(`Checking ${user}`, check.error);
}
