import { describe, expect, it } from "vitest";
import { MAX_COMMAND_LENGTH, normalizeUserArgument, parseCommand, suggestCommand } from "#core/chat/grammar.js";

const GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

describe("parseCommand", () => {
  it.each([
    ["status", { name: "status" }],
    ["  STATUS  ", { name: "status" }],
    ["/abm status", { name: "status" }],
    ["sync", { name: "sync", full: false, dryRun: false }],
    ["sync --full", { name: "sync", full: true, dryRun: false }],
    ["sync --dry-run --full", { name: "sync", full: true, dryRun: true }],
    ["restart", { name: "restart", mode: "preview" }],
    ["check ada@example.com", { name: "check", user: "ada@example.com" }],
    [`check ${GUID.toUpperCase()}`, { name: "check", user: GUID }],
    ["check <mailto:ada@example.com|ada@example.com>", { name: "check", user: "ada@example.com" }],
    [
      "provision guest_x.com#EXT#@tenant.onmicrosoft.com",
      { name: "provision", user: "guest_x.com#EXT#@tenant.onmicrosoft.com" },
    ],
    ["scope all", { name: "scope", scope: "all", mode: "preview" }],
    ["scope Assigned", { name: "scope", scope: "assigned", mode: "preview" }],
    ["pause", { name: "pause" }],
    ["resume", { name: "resume" }],
    ["approvals", { name: "approvals" }],
    ["approve apr_abc123", { name: "approve", approvalId: "apr_abc123" }],
    ["reject apr_abc123", { name: "reject", approvalId: "apr_abc123" }],
    ["errors", { name: "errors", csv: false }],
    ["why neil@contoso.com", { name: "why", user: "neil@contoso.com" }],
    ["why <mailto:neil@contoso.com|neil@contoso.com>", { name: "why", user: "neil@contoso.com" }],
    ["orphans", { name: "orphans", csv: false }],
    ["history", { name: "history", limit: 20 }],
    ["history 50", { name: "history", limit: 50 }],
    ["help", { name: "help" }],
    ["", { name: "help" }],
    ["alerts here", { name: "alerts.here", kinds: "all" }],
    ["alerts here all", { name: "alerts.here", kinds: "all" }],
    ["alerts here deletions", { name: "alerts.here", kinds: ["deletions"] }],
    ["alerts here tokens Deletions tokens", { name: "alerts.here", kinds: ["deletions", "tokens"] }],
    ["alerts here runs all", { name: "alerts.here", kinds: "all" }],
    ["alerts off", { name: "alerts.off" }],
    ["alerts list", { name: "alerts.list" }],
    ["digest daily", { name: "digest", cadence: "daily" }],
    ["digest Weekly", { name: "digest", cadence: "weekly" }],
    ["digest off", { name: "digest", cadence: null }],
    ["digest show", { name: "digest.show", cadence: "daily" }],
    ["digest show weekly", { name: "digest.show", cadence: "weekly" }],
  ])("reads %j", (text, expected) => {
    expect(parseCommand(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["sync --fast", "chat.usage", "sync [--full] [--dry-run]"],
    ["history 0", "chat.usage", "history [N]"],
    ["history 5000", "chat.usage", "history [N]"],
    ["check", "chat.usage", "check <user>"],
    ["why", "chat.usage", "why <user>"],
    ["why a@b.c d@e.f", "chat.usage", "why <user>"],
    ["orphans now", "chat.usage", "orphans"],
    ["check not-a-user", "chat.usage", "check <user>"],
    ["check a@b.com c@d.com", "chat.usage", "check <user>"],
    ['check "a"@example.com', "chat.usage", "check <user>"],
    ["scope everyone", "chat.usage", "scope <all|assigned>"],
    ["status now", "chat.usage", "status"],
    ["approve", "chat.usage", "approve <id>"],
    ["approve apr_1;drop", "chat.usage", "approve <id>"],
    ["alerts", "chat.usage", "alerts here"],
    ["alerts here deletes", "chat.usage", "alerts here [errors|deletions|tokens|runs|apple|all]"],
    ["alerts list all", "chat.usage", "alerts here"],
    ["digest", "chat.usage", "digest daily|weekly|off"],
    ["digest hourly", "chat.usage", "digest daily|weekly|off"],
    ["digest show monthly", "chat.usage", "digest show [daily|weekly]"],
  ])("refuses %j with usage", (text, code, usage) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.usage).toBe(usage);
    expect(parsed.error.message).toContain(usage);
  });

  it("suggests the closest command for typos", () => {
    const parsed = parseCommand("stauts");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe("chat.unknown_command");
    expect(parsed.error.message).toContain("Did you mean `status`?");
    expect(suggestCommand("provison")).toBe("provision <user>");
    expect(suggestCommand("alert")).toBe("alerts here");
    expect(suggestCommand("xyzzyplugh")).toBeNull();
  });

  it("refuses oversized input and control characters", () => {
    const long = parseCommand(`check ${"a".repeat(MAX_COMMAND_LENGTH)}`);
    expect(long.ok === false && long.error.code).toBe("chat.input_too_long");
    expect(parseCommand("status\u0000").ok).toBe(false);
    expect(parseCommand("check ada\u202e@example.com").ok).toBe(false);
    expect(normalizeUserArgument("ada@example.com\u0007")).toBeNull();
  });

  it("never throws on random input (bounded fuzz)", () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = [
      "s",
      "t",
      "a",
      "u",
      " ",
      "-",
      "@",
      ".",
      "<",
      ">",
      "|",
      "`",
      "*",
      "\u0000",
      "é",
      "😀",
      "check",
      "sync",
      "--full",
      "apr_1",
      "\n",
      "\t",
    ];
    for (let i = 0; i < 1_000; i += 1) {
      const length = Math.floor(random() * 40);
      let text = "";
      for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      const parsed = parseCommand(text);
      expect(typeof parsed.ok).toBe("boolean");
      if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(300);
    }
    expect(parseCommand(undefined).ok).toBe(false);
    expect(parseCommand(42).ok).toBe(false);
  });
});
