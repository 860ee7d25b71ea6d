import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import type { FailureEntry, RunSummary } from "#core/ports/provisioning-engine.js";
import { ZERO } from "#test/support/chat/in-memory-engine.js";
import { ALERT_CHANNEL, startAlertStack } from "./support/alert-stack.js";
import { type FakeSlackApi, startFakeSlackApi } from "./support/fake-slack-api.js";

/** 500 failures → one parent; the same next cycle → a counter, no post; resolved → parent edited. */
function failures(n: number): FailureEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    entraId: `id-${i}`,
    userName: `user${i}@example.com`,
    action: "create",
    code: "validation.missing_given_name",
    reason: "Missing given name",
    fix: "Set givenName in Entra",
    attempts: 1,
    lastAttemptAt: new Date(),
    nextRetryAt: null,
  }));
}

function run(id: string, failed: number): RunSummary {
  const now = new Date();
  return {
    id,
    kind: "incremental",
    trigger: "schedule",
    actor: "system",
    startedAt: now,
    finishedAt: now,
    outcome: failed > 0 ? "partial" : "succeeded",
    counts: { ...ZERO, failed },
    error: null,
  };
}

describe("alert grouping through the dispatcher and the Slack notifier", () => {
  let api: FakeSlackApi;
  let stack: Awaited<ReturnType<typeof startAlertStack>>;

  beforeAll(async () => {
    api = await startFakeSlackApi();
    stack = await startAlertStack(api, { approvalsRequired: 1 });
  });
  afterAll(async () => {
    await stack.fx.close();
  });

  const blocks = (body: Record<string, unknown>): string => JSON.stringify(body.blocks) ?? "";
  const valid = () => {
    for (const call of api.calls.filter((c) => c.method.startsWith("chat."))) {
      expect(validateSlackMessage({ text: call.body.text, blocks: call.body.blocks })).toEqual([]);
    }
  };

  it("posts one message for 500 failures, counts the repeat, edits the parent on resolution", async () => {
    await stack.dispatcher.handleEngineEvent({ type: "run_finished", run: run("run_1", 500), failures: failures(500) });
    await stack.worker.drain(5_000);
    const posts = api.byMethod("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.channel).toBe(ALERT_CHANNEL);
    expect(blocks(posts[0]?.body ?? {})).toContain("500 users fail to sync");
    const parentTs = stack.incidents.records.get("failure:validation.missing_given_name")?.messageRefs[0]?.messageId;
    expect(parentTs).toBeDefined();

    await stack.dispatcher.handleEngineEvent({ type: "run_finished", run: run("run_2", 500), failures: failures(500) });
    await stack.worker.drain(5_000);
    expect(api.byMethod("chat.postMessage")).toHaveLength(1);
    const bump = api.byMethod("chat.update").at(-1)?.body ?? {};
    expect(bump.ts).toBe(parentTs);
    expect(blocks(bump)).toContain("Seen 2 times");
    expect(stack.incidents.records.get("failure:validation.missing_given_name")?.incident.occurrences).toBe(2);

    await stack.dispatcher.handleEngineEvent({ type: "run_finished", run: run("run_3", 0), failures: [] });
    await stack.worker.drain(5_000);
    const resolved = api.byMethod("chat.update").at(-1)?.body ?? {};
    expect(resolved.ts).toBe(parentTs);
    expect(blocks(resolved)).toContain("Resolved");
    const thread = api.byMethod("chat.postMessage").at(-1)?.body ?? {};
    expect(thread.thread_ts).toBe(parentTs);
    expect(api.byMethod("chat.postMessage")).toHaveLength(2);
    expect(stack.incidents.records.get("failure:validation.missing_given_name")?.incident.status).toBe("resolved");
    expect(stack.outbox.byStatus("dead")).toHaveLength(0);
    valid();
  });

  it("waits out a 429 with Retry-After on the channel and still posts once", async () => {
    api.rateLimit("chat.postMessage", 1, 1);
    const started = Date.now();
    await stack.dispatcher.handleEngineEvent({ type: "quarantine_entered", reason: "TooManyDeletes" });
    await stack.worker.drain(10_000);
    const quarantinePosts = api
      .byMethod("chat.postMessage")
      .filter((c) => blocks(c.body).includes("quarantined") && c.body.thread_ts === undefined);
    expect(quarantinePosts.length).toBe(2); // the refused one (429) and the one after Retry-After
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(stack.incidents.records.get("quarantine")?.messageRefs).toHaveLength(1);
    valid();
  });
});
