import type { TeamsChat } from "#adapters/teams/turn-router.js";
import { type TeamsConversationReference, teamsConversationReferenceSchema } from "#adapters/teams/types.js";
import type { ChatActionRequest, ChatRequest } from "#core/chat/handle-command.js";
import type { ConversationReferences } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";

/**
 * A tiny stand-in for the chat core (the same `handle` / `handleAction` the real one has): a role
 * check, a private `check`, a status card and one approval applied through a compare-and-set,
 * answered like the real core answers a vote: the replaced card AND a private note to the voter.
 * Also the conversation store the bot saves references in.
 */
const OPERATOR = "aad-operator";
const APPROVERS = new Set(["aad-approver-1", "aad-approver-2"]);

const text = (t: string, visibility: Reply["visibility"], tone: Reply["tone"] = "info"): Reply => ({
  fallbackText: t,
  visibility,
  tone,
  blocks: [{ type: "text", text: t }],
});

export function approvalCard(id: string): Reply {
  return {
    fallbackText: "612 deletions held",
    visibility: "channel",
    tone: "warning",
    blocks: [
      { type: "header", text: "612 deletions held for approval" },
      { type: "list", items: ["ada@example.com"], total: 612 },
      {
        type: "actions",
        buttons: [
          { actionId: "approval.approve", label: "Approve", value: id, style: "primary" },
          { actionId: "approval.reject", label: "Reject", value: id, style: "danger" },
        ],
      },
    ],
  };
}

export const VOTE_NOTE = "Your approval is recorded.";

export interface FakeChatCore extends TeamsChat {
  readonly commands: ChatRequest[];
  readonly actions: ChatActionRequest[];
  /** what the bot saved, by conversation id */
  readonly references: Map<string, TeamsConversationReference>;
  readonly conversations: ConversationReferences;
  /** how many times the approval was executed (must stay 1 under a race) */
  executed: number;
}

export function createFakeChatCore(): FakeChatCore {
  let status: "pending" | "approved" = "pending";
  let decidedBy = "";
  const references = new Map<string, TeamsConversationReference>();
  const core: FakeChatCore = {
    commands: [],
    actions: [],
    references,
    conversations: {
      save: async (_platform, id, reference) => {
        references.set(id, teamsConversationReferenceSchema.parse(reference));
      },
      load: async (id) => references.get(id) ?? null,
    },
    executed: 0,
    async handle(request) {
      core.commands.push(request);
      const [verb, ...args] = request.text.split(" ");
      if (verb === "status") {
        return [{ ...text("Sync is **idle**; last run `run_1` succeeded.", "channel", "success") }];
      }
      if (verb === "sync") {
        if (request.actor.entraObjectId !== OPERATOR)
          return [text("You are not allowed to run `sync`.", "private", "danger")];
        return [text(`Sync started by ${request.actor.displayName}.`, "channel")];
      }
      if (verb === "check") return [text(`\`${args.join(" ")}\`: givenName Ada, familyName Lovelace`, "private")];
      if (verb === "approvals") return [approvalCard("apr_1")];
      return [text(`Unknown command \`${request.text}\`. Try \`help\`.`, "private", "warning")];
    },
    async handleAction(request) {
      core.actions.push(request);
      if (request.actionId !== "approval.approve") {
        return { replies: [text("Unknown action.", "private", "warning")], replaceOriginal: null };
      }
      const entraId = request.actor.entraObjectId;
      if (entraId === undefined || !APPROVERS.has(entraId)) {
        return { replies: [text("You are not an approver.", "private", "danger")], replaceOriginal: null };
      }
      // compare-and-set: only the first decision moves the approval out of pending
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (status === "pending") {
        status = "approved";
        decidedBy = request.actor.displayName ?? request.actor.id;
        core.executed += 1;
      }
      return {
        replies: [text(VOTE_NOTE, "private", "success")],
        replaceOriginal: text(`Approved by ${decidedBy}; deletions applied once.`, "channel", "success"),
      };
    },
  };
  return core;
}
