import type { Clock } from "../clock.js";
import type { AppError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ProvisioningEngine } from "../ports/provisioning-engine.js";
import type { ChatLinks } from "./format.js";
import type {
  AlertRouteBook,
  ApprovalBook,
  AuditEntry,
  AuditSink,
  ChatActor,
  ConversationRef,
  MessageEditor,
} from "./ports.js";
import type { Reply } from "./reply.js";
import { type Role, type RoleChecker, refusalText } from "./roles.js";

export interface ChatCoreConfig {
  /** `ABM_APPROVALS_REQUIRED` */
  readonly approvalsRequired: number;
  readonly links: ChatLinks;
}

export interface ChatCoreDeps {
  readonly engine: ProvisioningEngine;
  readonly roles: RoleChecker;
  readonly audit: AuditSink;
  readonly approvals: ApprovalBook;
  readonly alertRoutes: AlertRouteBook;
  readonly clock: Clock;
  readonly config: ChatCoreConfig;
  /** edits stored approval messages after a decision; without it only the clicked message is replaced */
  readonly messages?: MessageEditor;
  readonly logger?: Logger;
}

/** What a command handler gets: the deps, who asks, where, and helpers that audit. */
export interface CommandContext {
  readonly deps: ChatCoreDeps;
  readonly actor: ChatActor;
  readonly conversation: ConversationRef;
}

export function textReply(text: string, tone: Reply["tone"], visibility: Reply["visibility"]): Reply {
  return { fallbackText: text.replace(/\*\*|`/g, ""), blocks: [{ type: "text", text }], visibility, tone };
}

export function errorReply(what: string, error: AppError): Reply {
  const retry = error.retryable ? " This may work if you try again in a moment." : "";
  return textReply(`**${what} failed:** ${error.message} (\`${error.code}\`).${retry}`, "danger", "private");
}

export async function audit(ctx: CommandContext, entry: Omit<AuditEntry, "actor" | "platform">): Promise<void> {
  const saved = await ctx.deps.audit.record({ actor: ctx.actor.id, platform: ctx.actor.platform, ...entry });
  if (!saved.ok) {
    ctx.deps.logger?.error(
      { code: saved.error.code, command: entry.command, outcome: entry.outcome },
      "audit entry could not be written",
    );
  }
}

/** Checks the role; on refusal audits it and returns the private refusal reply. */
export async function guard(
  ctx: CommandContext,
  command: string,
  role: Role,
  target: string | null,
): Promise<Reply | null> {
  const decision = await ctx.deps.roles.check(ctx.actor, role);
  if (decision.allowed) return null;
  await audit(ctx, { command, target, outcome: "refused", detail: `needs role ${role}` });
  return textReply(refusalText(command, decision, ctx.actor), "warning", "private");
}
