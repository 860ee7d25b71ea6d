import { type Answer, type CommandContext, succeeded } from "../context.js";
import { COMMAND_SPECS } from "../grammar.js";
import type { ReplyBlock } from "../reply.js";
import { requiredRole } from "../roles.js";

/** Lists only the commands the asker's roles allow. */
export async function helpCommand(ctx: CommandContext): Promise<Answer> {
  const roles = await ctx.deps.roles.rolesOf(ctx.actor);
  const allowed = COMMAND_SPECS.filter((spec) => roles.has(requiredRole(spec.name)));
  const blocks: ReplyBlock[] = [
    { type: "header", text: "ABM sync commands" },
    { type: "list", items: allowed.map((spec) => `\`${spec.usage}\` — ${spec.summary}`), total: allowed.length },
  ];
  const missing: string[] = [];
  if (!roles.has("viewer")) missing.push("`ABM_VIEWERS` (check, why, errors, orphans, approvals, history)");
  if (!roles.has("operator")) missing.push("`ABM_OPERATORS` (sync, restart, provision, scope, pause, resume, alerts)");
  if (!roles.has("approver")) missing.push("`ABM_APPROVERS` (approve, reject)");
  if (missing.length > 0) {
    blocks.push({
      type: "context",
      text: `More commands need a role; an administrator adds you to ${missing.join(" or ")}.`,
    });
  }
  const commands = allowed.map((spec) => ({ usage: spec.usage, summary: spec.summary }));
  return succeeded({ commands }, [
    {
      fallbackText: `Commands: ${allowed.map((spec) => spec.usage).join(", ")}`,
      blocks,
      visibility: "private",
      tone: "info",
    },
  ]);
}
