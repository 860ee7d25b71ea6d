import type { TeamsActor, TeamsConversationStore, TeamsHandler } from "#adapters/teams/types.js";
import type { ChatCore } from "#core/chat/handle-command.js";
import type { ChatActor } from "#core/chat/ports.js";

function toChatActor(actor: TeamsActor): ChatActor {
  return {
    platform: "teams",
    id: actor.teamsUserId,
    displayName: actor.name,
    ...(actor.aadObjectId === null ? {} : { entraObjectId: actor.aadObjectId }),
  };
}

/** The Teams edge's seam to the chat core: same grammar, roles and approvals as Slack. */
export function createTeamsHandler(chat: ChatCore, conversations: TeamsConversationStore): TeamsHandler {
  return {
    async onCommand(command) {
      // keep the reference fresh: `alerts here` and approvals post proactively into this conversation later
      await conversations.save(command.conversation.id, command.conversation.reference);
      return chat.handle({
        actor: toChatActor(command.actor),
        text: command.text,
        conversation: { platform: "teams", channelId: command.conversation.id },
      });
    },
    async onAction(action) {
      const result = await chat.handleAction({
        actor: toChatActor(action.actor),
        actionId: action.actionId,
        value: action.value,
        conversation: { platform: "teams", channelId: action.conversation.id },
      });
      const reply = result.replaceOriginal ?? result.replies[0];
      return (
        reply ?? {
          fallbackText: "Nothing to do.",
          blocks: [{ type: "text", text: "Nothing to do." }],
          visibility: "private",
          tone: "info",
        }
      );
    },
    async onInstallation(installation) {
      const id = installation.reference.conversation.id;
      if (installation.event === "installed") await conversations.save(id, installation.reference);
    },
  };
}
