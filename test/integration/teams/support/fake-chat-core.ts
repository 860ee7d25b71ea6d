import type {
  TeamsAction,
  TeamsCommand,
  TeamsConversationReference,
  TeamsHandler,
  TeamsInstallation,
} from "#adapters/teams/types.js";
import type { Reply } from "#core/chat/reply.js";

/**
 * A tiny stand-in for the chat core: a role check, a private `check`, a status card and one
 * approval applied through a compare-and-set. The real core is plugged in by the composition root.
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

export interface FakeChatCore extends TeamsHandler {
  readonly commands: TeamsCommand[];
  readonly actions: TeamsAction[];
  readonly installs: TeamsInstallation[];
  readonly references: Map<string, TeamsConversationReference>;
  /** how many times the approval was executed (must stay 1 under a race) */
  executed: number;
}

export function createFakeChatCore(): FakeChatCore {
  let status: "pending" | "approved" = "pending";
  let decidedBy = "";
  const core: FakeChatCore = {
    commands: [],
    actions: [],
    installs: [],
    references: new Map(),
    executed: 0,
    async onCommand(command) {
      core.commands.push(command);
      const [verb, ...args] = command.text.split(" ");
      if (verb === "status") {
        return [{ ...text("Sync is **idle**; last run `run_1` succeeded.", "channel", "success") }];
      }
      if (verb === "sync") {
        if (command.actor.aadObjectId !== OPERATOR)
          return [text("You are not allowed to run `sync`.", "private", "danger")];
        return [text(`Sync started by ${command.actor.name}.`, "channel")];
      }
      if (verb === "check") return [text(`\`${args.join(" ")}\`: givenName Ada, familyName Lovelace`, "private")];
      if (verb === "approvals") return [approvalCard("apr_1")];
      return [text(`Unknown command \`${command.text}\`. Try \`help\`.`, "private", "warning")];
    },
    async onAction(action) {
      core.actions.push(action);
      if (action.actionId !== "approval.approve") return text("Unknown action.", "private", "warning");
      if (action.actor.aadObjectId === null || !APPROVERS.has(action.actor.aadObjectId)) {
        return text("You are not an approver.", "private", "danger");
      }
      // compare-and-set: only the first decision moves the approval out of pending
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (status === "pending") {
        status = "approved";
        decidedBy = action.actor.name;
        core.executed += 1;
      }
      return text(`Approved by ${decidedBy}; deletions applied once.`, "channel", "success");
    },
    async onInstallation(installation) {
      core.installs.push(installation);
      core.references.set(installation.reference.conversation.id, installation.reference);
    },
  };
  return core;
}
