import type { Answer } from "#core/chat/context.js";
import type { Command } from "#core/chat/grammar.js";
import { pickConnection } from "../../pick-connection.js";
import { renderReplyText } from "../../render-text.js";
import type { AppServices, ConnectionServices } from "../../services.js";
import { type AppAccess, cliActor } from "../app-access.js";
import { type CommandContext, type CommandOutcome, failure, openFailure, success, usageError } from "../command.js";

/** Opens the services (or uses the running service's), runs `fn`, always releases. */
export async function withServices(
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

/** The same, for the one connection the command acts on (`--connection`, or the only one). */
export function withApp(
  ctx: CommandContext,
  access: AppAccess,
  fn: (connection: ConnectionServices) => Promise<CommandOutcome>,
  options: { progress?: boolean } = {},
): Promise<CommandOutcome> {
  return withServices(
    ctx,
    access,
    async (services) => {
      const picked = pickConnection(services.connections, (c) => c.config.id, ctx.connection);
      if (!picked.ok) return usageError(picked.error.code, picked.error.message);
      return fn(picked.value);
    },
    options,
  );
}

/** Asks the command core once, as the local CLI user; the answer is what the front end shows. */
export async function ask(connection: ConnectionServices, command: Command): Promise<Answer> {
  return connection.cliChat.execute({
    actor: cliActor().chatActor,
    command,
    conversation: { platform: "cli", channelId: "cli" },
  });
}

/** `--json` prints the answer's data; text is the same replies chat shows, rendered for a terminal. */
export function outcomeOf(ctx: CommandContext, answer: Answer): CommandOutcome {
  if (!answer.ok) return failure(answer.error);
  return success(answer.data, ctx.json ? "" : answer.replies.map(renderReplyText).join("\n"));
}

/** The common case: one command, asked once, shown as the CLI shows answers. */
export function runCommand(
  ctx: CommandContext,
  access: AppAccess,
  command: Command,
  options: { progress?: boolean } = {},
): Promise<CommandOutcome> {
  return withApp(ctx, access, async (s) => outcomeOf(ctx, await ask(s, command)), options);
}
