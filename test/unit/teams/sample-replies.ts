import type { Reply } from "#core/chat/reply.js";

/** Replies shaped like the chat core's: status, a held-deletions approval, a private check, a refusal. */
export const statusReply: Reply = {
  fallbackText: "Sync status: idle, last run succeeded",
  visibility: "channel",
  tone: "info",
  blocks: [
    { type: "header", text: "ABM sync — idle" },
    { type: "text", text: "Engine **native**, scope `assigned`.\nNext cycle in 12m." },
    {
      type: "facts",
      facts: [
        { label: "Last run", value: "`run_abc123` incremental — **succeeded**" },
        { label: "Token expires", value: "2026-03-01 (in 92 days)" },
      ],
    },
    { type: "divider" },
    { type: "context", text: "Requested by Ada Lovelace · [ABM Activity](https://business.apple.com/#/main/activity)" },
    {
      type: "links",
      links: [
        { label: "ABM Directory Sync", url: "https://business.apple.com/#/main/preferences/directory-sync" },
        { label: "not a web link", url: "javascript:alert(1)" },
      ],
    },
  ],
};

export const approvalReply: Reply = {
  fallbackText: "612 deletions held for approval (threshold 500)",
  visibility: "channel",
  tone: "warning",
  blocks: [
    { type: "header", text: "612 deletions held for approval" },
    { type: "list", title: "Users", items: ["ada_l@example.com", "grace*h@example.com", "[x](y) literal"], total: 612 },
    {
      type: "actions",
      buttons: [
        {
          actionId: "approval.approve",
          label: "Approve",
          value: "apr_123",
          style: "primary",
          confirm: {
            title: "Delete 612 users?",
            text: "They lose access to ABM.",
            confirm: "Delete",
            deny: "Keep them",
          },
        },
        { actionId: "approval.reject", label: "Reject", value: "apr_123", style: "danger" },
      ],
    },
  ],
};

export const checkReply: Reply = {
  fallbackText: "ada@example.com: ready to provision",
  visibility: "private",
  tone: "success",
  blocks: [
    { type: "header", text: "Check `ada@example.com`" },
    {
      type: "facts",
      facts: [
        { label: "givenName", value: "Ada" },
        { label: "familyName", value: "Lovelace" },
      ],
    },
  ],
};

export const refusalReply: Reply = {
  fallbackText: "You are not allowed to run sync.",
  visibility: "private",
  tone: "danger",
  blocks: [{ type: "text", text: "You are not allowed to run `sync`: ask an operator." }],
};

export const emptyReply: Reply = { fallbackText: "Nothing to show", visibility: "channel", tone: "info", blocks: [] };
