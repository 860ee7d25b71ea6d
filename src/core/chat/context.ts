import type { ApprovalStore } from "../approvals/approval-store.js";
import type { AuditActor, AuditEntry, AuditSink } from "../audit.js";
import type { Clock } from "../clock.js";
import type { EngineEventSink } from "../engine/context.js";
import { AppError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ProvisioningEngine } from "../ports/provisioning-engine.js";
import type { Reconciler } from "../reconcile/reconciler.js";
import type { AuditCursor } from "./alerts/audit-cursor.js";
import type { DigestSources } from "./digest/digest.js";
import type { DigestTime } from "./digest/period.js";
import type { ChatLinks } from "./format.js";
import type { AlertRouteBook, ChatActor, ConversationRef, DigestBook } from "./ports.js";
import type { Reply } from "./reply.js";
import { type Role, type RoleChecker, refusalText } from "./roles.js";

export interface ChatCoreConfig {
  readonly links: ChatLinks;
}

export interface ChatCoreDeps {
  readonly engine: ProvisioningEngine;
  readonly roles: RoleChecker;
  readonly audit: AuditSink;
  readonly approvals: ApprovalStore;
  readonly alertRoutes: AlertRouteBook;
  /** `digest daily|weekly|off` and `digest show` */
  readonly digest: DigestDeps;
  /** where `approval_changed` goes: the alert outbox re-renders the approval's posted messages */
  readonly events: EngineEventSink;
  readonly clock: Clock;
  readonly config: ChatCoreConfig;
  readonly logger?: Logger;
  /** the Apple side (Apple Business API); absent or null: off, `reconcile` says how to turn it on */
  readonly reconciler?: Reconciler | null;
  /** how far the Apple audit poll got (`status`); absent or null: the Apple side is off */
  readonly auditCursor?: AuditCursor | null;
}

export interface DigestDeps {
  readonly subscriptions: DigestBook;
  readonly sources: DigestSources;
  /** `ABM_DIGEST_AT` */
  readonly at: DigestTime;
}

/** What a command handler gets: the deps, who asks, where, and helpers that audit. */
export interface CommandContext {
  readonly deps: ChatCoreDeps;
  readonly actor: ChatActor;
  readonly conversation: ConversationRef;
}

export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * What every command answers, whichever front end asked: `data` is what `--json` prints, the
 * replies are the neutral messages the CLI prints as text, Slack renders as Block Kit and Teams
 * as Adaptive Cards. A failed command carries its error (the CLI's exit code and JSON error) and
 * the reply that explains it.
 */
export type Answer =
  | {
      readonly ok: true;
      readonly data: JsonObject;
      readonly replies: readonly Reply[];
      /** `errors` / `orphans` with `csv`: the whole list as CSV (the CLI writes it to the file it was given) */
      /** `errors` and `reconcile` with `csv`: the whole list as CSV (the CLI writes it to the file it was given) */
      readonly csv?: string;
    }
  | { readonly ok: false; readonly error: AppError; readonly replies: readonly Reply[] };

export const succeeded = (data: JsonObject, replies: readonly Reply[]): Answer => ({ ok: true, data, replies });

export const failed = (error: AppError, reply: Reply): Answer => ({ ok: false, error, replies: [reply] });

/** A failed step, explained. */
export const failedAnswer = (what: string, error: AppError): Answer => failed(error, errorReply(what, error));

export function textReply(text: string, tone: Reply["tone"], visibility: Reply["visibility"]): Reply {
  return { fallbackText: text.replace(/\*\*|`/g, ""), blocks: [{ type: "text", text }], visibility, tone };
}

function errorReply(what: string, error: AppError): Reply {
  const retry = error.retryable ? " This may work if you try again in a moment." : "";
  const text = `**${what} failed:** ${error.message} (\`${error.code}\`).${retry}\n**What to do:** ${error.fix}`;
  return textReply(text, "danger", "private");
}

/** who acts in this command, as the audit log names them (for stores that write their audit row themselves) */
export function auditActor(ctx: CommandContext, command: string): AuditActor {
  return { actor: ctx.actor.id, platform: ctx.actor.platform, command };
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

/** Checks the role; on refusal audits it and returns the refusal (`chat.forbidden`). */
export async function guard(
  ctx: CommandContext,
  command: string,
  role: Role,
  target: string | null,
): Promise<Answer | null> {
  const decision = await ctx.deps.roles.check(ctx.actor, role);
  if (decision.allowed) return null;
  await audit(ctx, { command, target, outcome: "refused", detail: `needs role ${role}` });
  const text = refusalText(command, decision, ctx.actor);
  return failed(new AppError("chat.forbidden", text.replace(/\*\*|`/g, "")), textReply(text, "warning", "private"));
}
