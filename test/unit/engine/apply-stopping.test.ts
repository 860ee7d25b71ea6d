import { describe, expect, it } from "vitest";
import { ApplyStream } from "#core/engine/apply.js";
import type { EngineStore, OutcomeBatch } from "#core/engine/engine-store.js";
import { ok } from "#core/result.js";
import type { DeactivateOp } from "#core/sync/operations.js";

const T0 = new Date("2026-06-01T12:00:00Z");

function deactivations(count: number): DeactivateOp[] {
  return Array.from({ length: count }, (_, i) => ({
    action: "deactivate",
    entraId: `entra-${i}`,
    userName: `user${i}@example.com`,
    reason: "left the scope",
    dedupKey: `entra-${i}:deactivate:h`,
    scimId: `scim-${i}`,
    cause: "out_of_scope",
    target: null,
    hash: "h",
  }));
}

/** ABM answers each request after `release()`; the store keeps what was journaled and written */
function world() {
  const started: string[] = [];
  const waiting: (() => void)[] = [];
  const written: OutcomeBatch[] = [];
  const journaled: string[] = [];
  const target = {
    deactivate: async (id: string) => {
      started.push(id);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return ok(undefined);
    },
  };
  const store = {
    journal: async (_runId: string, entries: readonly { id: string }[]) => {
      journaled.push(...entries.map((e) => e.id));
    },
    recordOutcomes: async (_runId: string, batch: OutcomeBatch) => {
      written.push(batch);
    },
  };
  const release = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { started, written, journaled, target, store, release };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("ApplyStream: the service stopping", () => {
  it("starts nothing new, finishes and writes the requests in flight, then throws engine.interrupted", async () => {
    const w = world();
    const stopping = new AbortController();
    let n = 0;
    const stream = new ApplyStream({
      runId: "run_1",
      // the stream uses only journal and recordOutcomes of the store, deactivate of the target
      store: w.store as unknown as EngineStore,
      target: w.target as never,
      concurrency: 3,
      clock: { now: () => T0, sleep: async () => {} },
      ids: { next: (prefix) => `${prefix}_${++n}` },
      attempts: new Map(),
      stopping: stopping.signal,
    });
    // 20 operations fit the queue: push returns once they are journaled and queued
    await stream.push(deactivations(20), new Map());
    await settle();
    expect(w.started).toHaveLength(3);
    stopping.abort();
    w.release();
    await expect(stream.close()).rejects.toMatchObject({ code: "engine.interrupted", retryable: true });
    // only the three in flight ran, and their outcomes are written before the stream gave up
    expect(w.started).toEqual(["scim-0", "scim-1", "scim-2"]);
    const written = w.written.flatMap((batch) => batch.links.map((link) => link.entraId));
    expect(written.sort()).toEqual(["entra-0", "entra-1", "entra-2"]);
    await expect(stream.push(deactivations(2), new Map())).rejects.toMatchObject({ code: "engine.interrupted" });
    expect(w.started).toHaveLength(3);
  });

  it("a stream whose service is already stopping sends nothing", async () => {
    const w = world();
    const stopping = new AbortController();
    stopping.abort();
    let n = 0;
    const stream = new ApplyStream({
      runId: "run_1",
      store: w.store as unknown as EngineStore,
      target: w.target as never,
      concurrency: 2,
      clock: { now: () => T0, sleep: async () => {} },
      ids: { next: (prefix) => `${prefix}_${++n}` },
      attempts: new Map(),
      stopping: stopping.signal,
    });
    await expect(stream.push(deactivations(5), new Map())).rejects.toMatchObject({ code: "engine.interrupted" });
    expect(w.started).toEqual([]);
    expect(w.journaled).toEqual([]);
  });
});
