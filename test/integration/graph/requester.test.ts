import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectGraph, createGraphDirectorySource, type GraphRequester } from "#adapters/graph/index.js";
import type { Clock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { entraEngineFor } from "../entra-provisioning/support/entra-fixture.js";
import { connectionFor, recordingClock } from "./support/graph-fixture.js";

/**
 * The one retry policy of every Graph call (adapters/graph/graph-requester.ts), tested once here:
 * the directory source and the entra engine both take this requester and have no other.
 */
const USERS = z.looseObject({ value: z.array(z.looseObject({ id: z.string() })) });
const READ = { what: "list users", permission: "User.Read.All" } as const;

describe("the Graph requester: one retry / Retry-After / abort policy", () => {
  let emulator: GraphEmulator;
  const closers: (() => Promise<void>)[] = [];

  function requesterWith(clock: Clock): GraphRequester {
    const graph = connectGraph(connectionFor(emulator, { clock }));
    closers.push(() => graph.close());
    return graph.requester;
  }

  beforeAll(async () => {
    emulator = await startGraphEmulator({ users: 20, seed: 5 });
  });
  afterEach(() => {
    emulator.setFaults({});
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await emulator.close();
  });

  it("429: waits the server's Retry-After (through the Clock port), then succeeds", async () => {
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 3 });
    const clock = recordingClock(() => emulator.setFaults({}));
    const result = await requesterWith(clock).get("/users?$top=5", USERS, READ);
    expect(clock.sleeps).toEqual([3_000]);
    expect(result.ok && result.value.value.length).toBe(5);
  });

  it("429 that never stops: 5 attempts, then graph.throttled, retryable, with the server's wait", async () => {
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 1 });
    const clock = recordingClock();
    const result = await requesterWith(clock).get("/users", USERS, READ);
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(!result.ok && result.error).toMatchObject({ code: "graph.throttled", retryable: true, retryAfterMs: 1_000 });
  });

  it("a Retry-After above 120 s is not waited out: the error goes back at once", async () => {
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 121 });
    const clock = recordingClock();
    const result = await requesterWith(clock).get("/users", USERS, READ);
    expect(clock.sleeps).toEqual([]);
    expect(!result.ok && result.error).toMatchObject({ code: "graph.throttled", retryAfterMs: 121_000 });
  });

  it("503/504: backs off 500 ms × 2ⁿ, gives up after 5 attempts with graph.transient, retryable", async () => {
    emulator.setFaults({ status5xxRate: 1 });
    const clock = recordingClock();
    const result = await requesterWith(clock).get("/users", USERS, READ);
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(!result.ok && result.error).toMatchObject({ code: "graph.transient", retryable: true });
    if (!result.ok) expect([503, 504]).toContain(result.error.context.status);
  });

  it("retry: false returns the first failure as is (no wait)", async () => {
    emulator.setFaults({ status5xxRate: 1 });
    const clock = recordingClock();
    const result = await requesterWith(clock).get("/users", USERS, { ...READ, retry: false });
    expect(clock.sleeps).toEqual([]);
    expect(!result.ok && result.error.code).toBe("graph.transient");
  });

  it("an abort stops the wait before a retry: graph.aborted, no further attempt", async () => {
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 30 });
    const controller = new AbortController();
    const sleeps: number[] = [];
    // a clock whose sleep only ends when aborted; the test aborts once the first wait has begun
    const clock: Clock = {
      now: () => new Date(),
      sleep: (ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          sleeps.push(ms);
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          setImmediate(() => controller.abort(new Error("stopping")));
        }),
    };
    const result = await requesterWith(clock).get("/users", USERS, { ...READ, signal: controller.signal });
    expect(sleeps).toEqual([30_000]);
    expect(!result.ok && result.error).toMatchObject({ code: "graph.aborted", retryable: false });
  });

  it("the directory source and the entra engine both call Graph through the one requester given to them", async () => {
    const clock = recordingClock();
    const shared = requesterWith(clock);
    const paths: string[] = [];
    const seen = (method: string, path: string) => {
      paths.push(`${method} ${path}`);
    };
    const spy: GraphRequester = {
      get: (path, schema, options) => {
        seen("GET", path);
        return shared.get(path, schema, options);
      },
      post: (path, body, schema, options) => {
        seen("POST", path);
        return shared.post(path, body, schema, options);
      },
      put: (path, body, schema, options) => {
        seen("PUT", path);
        return shared.put(path, body, schema, options);
      },
    };
    const source = createGraphDirectorySource({ requester: spy, logger: silentLogger });
    const fx = entraEngineFor(emulator, { graph: spy });
    closers.push(() => fx.engine.close());

    expect((await source.lookupUser({ by: "mail", value: "nobody@example.com" }, ["mail"])).ok).toBe(true);
    expect((await fx.engine.failures()).ok).toBe(true);
    expect(paths.some((p) => p.startsWith("GET /users?$filter="))).toBe(true);
    expect(paths.some((p) => p.includes("/synchronization/jobs"))).toBe(true);
    expect(paths.some((p) => p.startsWith("GET /auditLogs/provisioning"))).toBe(true);

    // and under faults the entra engine gets exactly the same policy
    emulator.setFaults({ status5xxRate: 1 });
    const failed = await fx.engine.failures();
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(!failed.ok && failed.error).toMatchObject({ code: "graph.transient", retryable: true });
  });
});
