import type { AppError } from "#core/errors.js";
import type { Result } from "#core/result.js";
import { renderReplyText } from "../../render-text.js";
import type { AppServices } from "../../services.js";
import { type AppAccess, cliActor } from "../app-access.js";
import {
  type CommandContext,
  type CommandOutcome,
  failure,
  type JsonObject,
  openFailure,
  success,
} from "../command.js";

/** Opens the services (or uses the running service's), runs `fn`, always releases. */
export async function withApp(
  ctx: CommandContext,
  access: AppAccess,
  fn: (services: AppServices) => Promise<CommandOutcome>,
  options: { progress?: boolean } = {},
): Promise<CommandOutcome> {
  const lease = await access.open(ctx.config, ctx.stderr, options.progress ?? false);
  if (!lease.ok) return openFailure(lease.error);
  try {
    return await fn(lease.value.services);
  } finally {
    await lease.value.release();
  }
}

/** The chat core's answer to `text`, rendered for a terminal: the CLI reads like chat. */
export async function chatText(services: AppServices, text: string): Promise<string> {
  const { chatActor } = cliActor();
  const replies = await services.cliChat.handle({
    actor: chatActor,
    text,
    conversation: { platform: "cli", channelId: "cli" },
  });
  return replies.map(renderReplyText).join("\n");
}

/** What a state-changing command writes to the audit log (like the same command from chat). */
export interface AuditNote {
  readonly command: string;
  readonly target: string | null;
}

async function auditCli<T>(services: AppServices, note: AuditNote, result: Result<T, AppError>): Promise<void> {
  const { actor } = cliActor();
  const recorded = await services.repos.audit.record({
    id: services.ids.next("aud"),
    connectionId: services.connectionId,
    actorId: actor.id,
    platform: "cli",
    command: note.command,
    target: note.target,
    outcome: result.ok ? "succeeded" : "failed",
    detail: result.ok ? { text: "" } : { code: result.error.code, message: result.error.message },
    at: services.clock.now(),
  });
  if (!recorded.ok) services.logger.error({ code: recorded.error.code }, "could not write the audit log");
}

/** JSON for a result value, human text from the chat core (only computed when needed). */
export async function answer<T>(
  ctx: CommandContext,
  services: AppServices,
  result: Result<T, AppError>,
  toJson: (value: T) => JsonObject,
  chatCommand: string | ((value: T) => string),
  audit?: AuditNote,
): Promise<CommandOutcome> {
  if (audit !== undefined) await auditCli(services, audit, result);
  if (!result.ok) return failure(result.error);
  const data = toJson(result.value);
  if (ctx.json) return success(data, "");
  const text = typeof chatCommand === "string" ? await chatText(services, chatCommand) : chatCommand(result.value);
  return success(data, text);
}
