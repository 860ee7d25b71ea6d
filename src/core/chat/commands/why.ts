import { organizationWords } from "../../organization.js";
import type { UserFacts } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";
import { STEP_LABELS, VERDICT_MARK, type WhyStep, whySteps } from "../why-steps.js";

function renderWhy(facts: UserFacts, steps: readonly WhyStep[], ctx: CommandContext): Reply {
  const apple = organizationWords(ctx.deps.config.links.organization).short;
  const breaks = steps.find((s) => s.verdict === "fail");
  const verdict =
    breaks === undefined
      ? `nothing breaks: in ${apple}`
      : `breaks at "${STEP_LABELS[breaks.step].replace("ABM", apple)}"`;
  const blocks: ReplyBlock[] = [{ type: "header", text: `Why ${plain(facts.query)}: ${verdict}` }];
  for (const s of steps) {
    const label = STEP_LABELS[s.step].replace("ABM", apple);
    blocks.push({
      type: "text",
      text: [`${VERDICT_MARK[s.verdict]} **${label}**: ${s.summary}`, ...s.details.map((d) => `    ${d}`)].join("\n"),
    });
  }
  blocks.push({
    type: "context",
    text: `✓ holds · ✗ breaks · – not known or not applicable (${facts.engine} engine). Read-only: nothing was changed.`,
  });
  blocks.push(...linksBlock(ctx.deps.config.links, ["entra", "activity"]));
  return {
    fallbackText: `Why ${facts.query}: ${verdict}`,
    blocks,
    visibility: "private",
    tone: breaks === undefined ? "success" : "warning",
  };
}

/** `why <user>`: each step from Entra to ABM with its verdict. Private: it shows one person. */
export async function whyCommand(ctx: CommandContext, user: string): Promise<Answer> {
  const facts = await ctx.deps.engine.explainUser(user);
  if (!facts.ok) return failedAnswer(`Explaining ${user}`, facts.error);
  const apple = organizationWords(ctx.deps.config.links.organization).short;
  const steps = whySteps(facts.value, apple);
  const breaksAt = steps.find((s) => s.verdict === "fail")?.step ?? null;
  return succeeded({ why: { query: user, engine: facts.value.engine, breaksAt, steps, facts: facts.value } }, [
    renderWhy(facts.value, steps, ctx),
  ]);
}
