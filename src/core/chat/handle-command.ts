import { toAppError } from "../errors.js";
import { APPROVAL_ACTIONS } from "./approval-message.js";
import { decideApproval } from "./approvals.js";
import { alertsHereCommand, alertsListCommand, alertsOffCommand } from "./commands/alert-routes.js";
import { approvalsCommand, decideCommand } from "./commands/approvals.js";
import { checkCommand } from "./commands/check.js";
import { CONFIRM_ACTIONS, cancelAction, confirmAction, restartCommand, scopeCommand } from "./commands/confirmed.js";
import { conflictsCommand } from "./commands/conflicts.js";
import { digestCommand, digestShowCommand } from "./commands/digest.js";
import { errorsCommand } from "./commands/errors.js";
import { helpCommand } from "./commands/help.js";
import { historyCommand } from "./commands/history.js";
import { HOME_ACTIONS, homeCommand } from "./commands/home.js";
import { pauseResumeCommand, provisionCommand, syncCommand } from "./commands/operations.js";
import { orphansCommand } from "./commands/orphans.js";
import { reconcileCommand } from "./commands/reconcile.js";
import { statusCommand } from "./commands/status.js";
import { tokenCommand } from "./commands/token.js";
import { whyCommand } from "./commands/why.js";
import { type Answer, type ChatCoreDeps, type CommandContext, failedAnswer, guard, textReply } from "./context.js";
import { type Command, parseCommand } from "./grammar.js";
import type { ChatActor, ConversationRef } from "./ports.js";
import type { Reply } from "./reply.js";
import { requiredRole } from "./roles.js";

export interface ChatRequest {
  readonly actor: ChatActor;
  /** the text after `/abm` or `@abm` */
  readonly text: string;
  readonly conversation: ConversationRef;
}

export interface ChatActionRequest {
  readonly actor: ChatActor;
  readonly actionId: string;
  /** the button value: a key only, always re-checked against stored state */
  readonly value: string;
  readonly conversation: ConversationRef;
}

export interface ChatActionResult {
  /** new messages: `private` ones to the clicker only, `channel` ones echoed to the conversation */
  readonly replies: Reply[];
  /** replace the message whose button was clicked (null: leave it) */
  readonly replaceOriginal: Reply | null;
}

/** One parsed command from any front end (the CLI parses argv into the same Command). */
export interface CommandRequest {
  readonly actor: ChatActor;
  readonly command: Command;
  readonly conversation: ConversationRef;
}

/**
 * The one command core. `execute` answers a parsed command once — `data` for `--json`, neutral
 * replies for text, Block Kit and Adaptive Cards; `handle` is the same for typed chat text;
 * `handleAction` answers a button click.
 */
export interface ChatCore {
  execute(request: CommandRequest): Promise<Answer>;
  handle(request: ChatRequest): Promise<Reply[]>;
  handleAction(request: ChatActionRequest): Promise<ChatActionResult>;
}

async function run(ctx: CommandContext, command: Command): Promise<Answer> {
  if (requiredRole(command.name) === "viewer") {
    // personal data (a user's attributes, the failing users, held batches): ABM_VIEWERS or above
    const refusal = await guard(
      ctx,
      command.name,
      "viewer",
      command.name === "check" || command.name === "why" ? command.user : null,
    );
    if (refusal !== null) return refusal;
  }
  switch (command.name) {
    case "status":
      return statusCommand(ctx);
    case "home":
      return homeCommand(ctx);
    case "check":
      return checkCommand(ctx, command.user);
    case "why":
      return whyCommand(ctx, command.user);
    case "errors":
      return errorsCommand(ctx, command.csv);
    case "orphans":
      return orphansCommand(ctx, command.csv);
    case "history":
      return historyCommand(ctx, command.limit);
    case "token":
      return tokenCommand(ctx);
    case "conflicts":
      return conflictsCommand(ctx, command.csv);
    case "reconcile":
      return reconcileCommand(ctx, command.csv);
    case "help":
      return helpCommand(ctx);
    case "approvals":
      return approvalsCommand(ctx);
    case "sync":
      return syncCommand(ctx, command.full, command.dryRun);
    case "provision":
      return provisionCommand(ctx, command.user);
    case "pause":
    case "resume":
      return pauseResumeCommand(ctx, command.name);
    case "scope":
      return scopeCommand(ctx, command.scope, command.mode);
    case "restart":
      return restartCommand(ctx, command.mode);
    case "alerts.here":
      return alertsHereCommand(ctx, command.kinds);
    case "alerts.off":
      return alertsOffCommand(ctx);
    case "alerts.list":
      return alertsListCommand(ctx);
    case "digest":
      return digestCommand(ctx, command.cadence);
    case "digest.show":
      return digestShowCommand(ctx, command.cadence);
    case "approve":
    case "reject":
      return decideCommand(ctx, command.approvalId, command.name);
  }
}

const STALE = "That button is not valid any more. Run the command again.";

async function runAction(ctx: CommandContext, actionId: string, value: string): Promise<ChatActionResult> {
  // renderers may suffix duplicate action ids (`approval.approve#2`); route on the base id
  const base = actionId.split("#")[0] ?? actionId;
  switch (base) {
    case APPROVAL_ACTIONS.approve:
    case APPROVAL_ACTIONS.reject: {
      const decision = base === APPROVAL_ACTIONS.approve ? "approve" : "reject";
      const parsed = parseCommand(`${decision} ${value}`);
      if (!parsed.ok) return { replies: [textReply(STALE, "warning", "private")], replaceOriginal: null };
      const { answer, updated } = await decideApproval(ctx, value, decision);
      return { replies: [...answer.replies], replaceOriginal: updated };
    }
    case HOME_ACTIONS.refresh: {
      const answer = await homeCommand(ctx);
      const [home] = answer.replies;
      return answer.ok && home !== undefined
        ? { replies: [], replaceOriginal: home }
        : { replies: [...answer.replies], replaceOriginal: null };
    }
    case CONFIRM_ACTIONS.scopeConfirm:
      return confirmAction(ctx, "scope", value);
    case CONFIRM_ACTIONS.restartConfirm:
      return confirmAction(ctx, "restart", value);
    case CONFIRM_ACTIONS.scopeCancel:
      return cancelAction(ctx, "scope");
    case CONFIRM_ACTIONS.restartCancel:
      return cancelAction(ctx, "restart");
    default:
      return { replies: [textReply(STALE, "warning", "private")], replaceOriginal: null };
  }
}

/**
 * The platform-neutral chat core: `/abm` text in, neutral replies out; button clicks in,
 * replies and a replacement for the clicked message out. Never throws: an unexpected error
 * becomes a private error reply (and is logged).
 */
export function createChatCore(deps: ChatCoreDeps): ChatCore {
  function unexpected(error: unknown, what: string): Answer {
    const appError = toAppError(error, "chat.unexpected");
    deps.logger?.error({ code: appError.code, what }, "chat command failed unexpectedly");
    return failedAnswer(what, appError);
  }

  async function execute(request: CommandRequest): Promise<Answer> {
    const ctx: CommandContext = { deps, actor: request.actor, conversation: request.conversation };
    try {
      return await run(ctx, request.command);
    } catch (error) {
      return unexpected(error, `\`${request.command.name}\``);
    }
  }

  return {
    execute,
    async handle(request) {
      const parsed = parseCommand(request.text);
      if (!parsed.ok) return [textReply(parsed.error.message, "info", "private")];
      const answer = await execute({ actor: request.actor, command: parsed.value, conversation: request.conversation });
      return [...answer.replies];
    },
    async handleAction(request) {
      const ctx: CommandContext = { deps, actor: request.actor, conversation: request.conversation };
      try {
        return await runAction(ctx, String(request.actionId).slice(0, 255), String(request.value).slice(0, 2_000));
      } catch (error) {
        return { replies: [...unexpected(error, "That action").replies], replaceOriginal: null };
      }
    },
  };
}
