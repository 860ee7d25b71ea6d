import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import { emulatedConnection } from "#test/support/connections.js";
import { createE2eDatabase, type E2eDatabase } from "#test/support/e2e.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../integration/slack/support/fake-slack-api.js";
import { blockActionBody, postSigned } from "../integration/slack/support/signed-request.js";

/**
 * Three `abm serve` processes on one Postgres, two organizations, a 5 s interval: what a team that
 * runs replicas for availability relies on. Over the whole test (well over 60 s) no two runs of one
 * connection overlap; an approval posted by one replica and clicked on another is applied once; a
 * replica SIGKILLed while it holds a connection's lease mid-cycle is replaced within the lease
 * (30 s) plus one interval and the end state equals a single process's; SIGTERM to the replica
 * holding a lease mid-cycle ends it within 10 s, its run `engine.interrupted`, its lease released,
 * and the last replica finishes the work.
 */
const ROOT = new URL("../../", import.meta.url);
const BIN = new URL("bin/abm.js", ROOT).pathname;
const SECRET = "replicas-signing-secret-0123456789";
const LEASE_MS = 30_000;
const INTERVAL_MS = 5_000;
const hasPostgres = (process.env.TEST_DATABASE_URL ?? "") !== "";

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly slack: FakeSlackApi;
  readonly exited: Promise<number | null>;
  /** the end of its log (stderr), for failure messages */
  readonly log: () => string;
}

interface RunRow {
  readonly id: string;
  readonly connection_id: string;
  readonly kind: string;
  readonly trigger: string;
  readonly started_at: Date;
  readonly finished_at: Date | null;
  readonly outcome: string;
}

describe.skipIf(!hasPostgres)("three replicas on one Postgres, two organizations [postgres]", () => {
  let contoso: EmulatorPair;
  let academy: EmulatorPair;
  let database: E2eDatabase;
  let sql: postgres.Sql;
  let dir: string;
  let env: Record<string, string>;
  const replicas: Replica[] = [];
  let testStart = 0;

  async function startReplica(name: string): Promise<Replica> {
    const slack = await startFakeSlackApi();
    const child = spawn(process.execPath, [BIN, "serve", "--json"], {
      env: {
        ...env,
        SLACK_API_URL: slack.url,
        ABM_DATA_DIR: join(dir, name),
        PATH: process.env.PATH ?? "",
        HOME: dir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const line = await until(
      `${name} to serve`,
      () => {
        if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
        const first = stdout.split("\n")[0];
        return stdout.includes("\n") && first !== undefined ? first : undefined;
      },
      60_000,
    );
    const doc = JSON.parse(line) as { ok: boolean; url: string };
    expect(doc.ok, stderr).toBe(true);
    return { name, child, url: doc.url, slack, exited, log: () => stderr };
  }

  const runs = async (connectionId: string): Promise<RunRow[]> =>
    sql<RunRow[]>`select id, connection_id, kind, trigger, started_at, finished_at, outcome
                  from sync_runs where connection_id = ${connectionId} order by started_at`;

  const leaseHolder = async (connectionId: string): Promise<string | null> => {
    const rows = await sql<{ holder: string }[]>`
      select holder from leases where connection_id = ${connectionId} and name = ${`cycle:${connectionId}`}
      and expires_at > now()`;
    return rows[0]?.holder ?? null;
  };

  beforeAll(async () => {
    testStart = Date.now();
    contoso = await startEmulators({ users: 40, seed: 31, problemRate: 0 });
    academy = await startEmulators({ users: 25, seed: 32, problemRate: 0, abmBasePath: "/feeds/school/scim" });
    database = await createE2eDatabase("postgres");
    sql = postgres(database.databaseUrl ?? "", { max: 2, onnotice: () => undefined });
    dir = mkdtempSync(join(tmpdir(), "abm-replicas-"));
    const file = join(dir, "connections.json");
    writeFileSync(
      file,
      JSON.stringify({
        connections: [
          emulatedConnection("contoso", "Contoso", contoso, {
            interval: `${INTERVAL_MS / 1000}s`,
            concurrency: 2,
            deletionThreshold: 3,
            alertChannels: ["slack:CCONTOSO"],
          }),
          emulatedConnection("academy", "Contoso Academy", academy, {
            interval: `${INTERVAL_MS / 1000}s`,
            concurrency: 2,
            alertChannels: ["slack:CACADEMY"],
          }),
        ],
      }),
    );
    const ca = join(dir, "emulator-cas.pem");
    writeFileSync(
      ca,
      [contoso.graph.caCertPath, academy.graph.caCertPath].map((p) => readFileSync(p, "utf8")).join("\n"),
    );
    env = {
      DATABASE_URL: database.databaseUrl ?? "",
      ABM_CONNECTIONS: file,
      CONTOSO_SCIM_TOKEN: contoso.abm.token,
      CONTOSO_CLIENT_SECRET: contoso.graph.clientSecret,
      ACADEMY_SCIM_TOKEN: academy.abm.token,
      ACADEMY_CLIENT_SECRET: academy.graph.clientSecret,
      SLACK_BOT_TOKEN: "xoxb-replicas",
      SLACK_SIGNING_SECRET: SECRET,
      ABM_APPROVERS: "UAPPROVER",
      PORT: "0",
      LOG_FORMAT: "json",
      NODE_EXTRA_CA_CERTS: ca,
    };
    // the first replica creates the schema; the others join a migrated database
    replicas.push(await startReplica("r1"));
    replicas.push(...(await Promise.all([startReplica("r2"), startReplica("r3")])));
  }, 180_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await Promise.all(replicas.map((r) => Promise.race([r.exited, new Promise((res) => setTimeout(res, 5_000))])));
    await Promise.allSettled([...replicas.map((r) => r.slack.close()), contoso?.close(), academy?.close()]);
    await sql?.end({ timeout: 5 });
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("cycles each connection once per interval, applies a cross-replica approval once, survives SIGKILL mid-cycle and SIGTERM", async () => {
    // 1. both organizations converge, whichever replicas run their cycles
    await until(
      "the initial syncs",
      () => (contoso.abm.users().length === 40 && academy.abm.users().length === 25 ? true : undefined),
      60_000,
    ).catch((error: unknown) => {
      const logs = replicas.map((r) => `--- ${r.name}\n${r.log().slice(-3_000)}`).join("\n");
      throw new Error(
        `${String(error)} (ABM ${contoso.abm.users().length}/40, ASM ${academy.abm.users().length}/25)\n${logs}`,
      );
    });

    // 2. a held batch: posted once (by whichever replica sent it), approved on ANOTHER replica, applied once
    const leaving = [...contoso.graph.store.users.keys()].slice(0, 5);
    for (const id of leaving) contoso.graph.store.deleteUser(id, false);
    const posted = await until(
      "the approval message",
      () => {
        const found = replicas.flatMap((r) =>
          r.slack
            .byMethod("chat.postMessage")
            .filter((c) => JSON.stringify(c.body.blocks ?? "").includes("approval.approve"))
            .map((call) => ({ replica: r, call })),
        );
        return found.length > 0 ? found : undefined;
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const approvalPosts = replicas.flatMap((r) =>
      r.slack
        .byMethod("chat.postMessage")
        .filter((c) => JSON.stringify(c.body.blocks ?? "").includes("approval.approve")),
    );
    expect(approvalPosts).toHaveLength(1);
    const poster = posted[0]?.replica;
    const value = /"value":"(contoso:apr_[^"]+)"/.exec(JSON.stringify(posted[0]?.call.body.blocks))?.[1] ?? "";
    expect(value).toMatch(/^contoso:apr_/);
    const clicker = replicas.find((r) => r !== poster) ?? replicas[0];
    const ts = await until(
      "the stored message ts",
      async () =>
        (
          await sql<
            { messages: unknown }[]
          >`select message_refs as messages from approvals where id = ${value.slice(8)}`
        )[0]?.messages,
      10_000,
    );
    const messageTs = JSON.stringify(ts).match(/"messageId":"([^"]+)"/)?.[1] ?? "";
    const click = () =>
      postSigned(
        `${clicker?.url}/slack/events`,
        blockActionBody({
          userId: "UAPPROVER",
          actionId: "approval.approve",
          value,
          channelId: "CCONTOSO",
          messageTs,
          responseUrl: `${clicker?.slack.url}response`,
        }),
        { secret: SECRET },
      );
    expect((await click()).status).toBe(200);
    await until(
      "five deactivations",
      () => (contoso.abm.users().filter((u) => u.active === false).length === 5 ? true : undefined),
      30_000,
    );
    const approvalRuns = (await runs("con_contoso")).filter((r) => r.trigger === "approval");
    expect(approvalRuns).toHaveLength(1);

    // 3. SIGKILL the replica holding contoso's lease in the middle of a slow cycle
    contoso.abm.setFaults({ latencyMs: 150 });
    for (let i = 0; i < 60; i += 1) {
      contoso.graph.store.createUser({
        displayName: `Late Joiner ${i}`,
        givenName: "Late",
        surname: `Joiner ${i}`,
        userPrincipalName: `late.joiner.${i}@${contoso.graph.verifiedDomain}`,
        mail: `late.joiner.${i}@${contoso.graph.verifiedDomain}`,
        accountEnabled: true,
      });
    }
    const holder = await until(
      "a replica mid-cycle on contoso",
      async () => {
        const h = await leaseHolder("con_contoso");
        const created = contoso.abm.users().length - 40;
        return h !== null && created > 3 && created < 50 ? h : undefined;
      },
      30_000,
      20,
    );
    const victim = replicas.find((r) => holder.split(":")[1] === String(r.child.pid));
    expect(victim, `holder ${holder}`).toBeDefined();
    const killedAt = Date.now();
    victim?.child.kill("SIGKILL");
    await victim?.exited;
    contoso.abm.setFaults({});
    const next = await until(
      "the next contoso cycle on another replica",
      async () => (await runs("con_contoso")).find((r) => r.started_at.getTime() > killedAt),
      LEASE_MS + INTERVAL_MS + 15_000,
      200,
    );
    const gapMs = next.started_at.getTime() - killedAt;
    expect(gapMs).toBeLessThanOrEqual(LEASE_MS + INTERVAL_MS + 5_000);
    await until(
      "contoso to converge after the kill",
      () => (contoso.abm.users().filter((u) => u.active !== false).length === 40 - 5 + 60 ? true : undefined),
      60_000,
    );

    // 4. SIGTERM the replica holding contoso's lease in the middle of another slow cycle: it stops
    // within 10 s, its cycle ends `engine.interrupted` with its lease released, and the last replica
    // goes on from where it stopped (the delta link did not move, so nobody is lost)
    const survivors = replicas.filter((r) => r !== victim && r.child.exitCode === null);
    contoso.abm.setFaults({ latencyMs: 150 });
    for (let i = 0; i < 60; i += 1) {
      contoso.graph.store.createUser({
        displayName: `Later Joiner ${i}`,
        givenName: "Later",
        surname: `Joiner ${i}`,
        userPrincipalName: `later.joiner.${i}@${contoso.graph.verifiedDomain}`,
        mail: `later.joiner.${i}@${contoso.graph.verifiedDomain}`,
        accountEnabled: true,
      });
    }
    const before = contoso.abm.users().length;
    const termHolder = await until(
      "a replica mid-cycle on contoso again",
      async () => {
        const h = await leaseHolder("con_contoso");
        const created = contoso.abm.users().length - before;
        return h !== null && created > 3 && created < 50 ? h : undefined;
      },
      30_000,
      20,
    );
    const stopping = survivors.find((r) => termHolder.split(":")[1] === String(r.child.pid));
    expect(stopping, `holder ${termHolder}`).toBeDefined();
    const termAt = Date.now();
    stopping?.child.kill("SIGTERM");
    const code = await Promise.race([stopping?.exited, new Promise((r) => setTimeout(() => r("timeout"), 12_000))]);
    const stopMs = Date.now() - termAt;
    expect(code, stopping?.log().slice(-3_000)).toBe(0);
    expect(stopMs).toBeLessThanOrEqual(10_000);
    const createdAtStop = contoso.abm.users().length - before;
    expect(createdAtStop, "the cycle was cut short, not finished").toBeLessThan(60);
    const pid = String(stopping?.child.pid);
    const held = await sql<{ holder: string }[]>`select holder from leases where expires_at > now()`;
    expect(held.filter((l) => l.holder.split(":")[1] === pid)).toEqual([]);
    const interrupted = await sql<{ outcome: string; error_code: string | null; finished_at: Date | null }[]>`
      select outcome, error_code, finished_at from sync_runs
      where connection_id = 'con_contoso' and started_at < ${new Date(termAt)} order by started_at desc limit 1`;
    expect(interrupted[0]).toMatchObject({ outcome: "failed", error_code: "engine.interrupted" });
    contoso.abm.setFaults({});
    const resumed = await until(
      "the next contoso cycle on the last replica",
      async () => (await runs("con_contoso")).find((r) => r.started_at.getTime() > termAt),
      INTERVAL_MS + 15_000,
      200,
    );
    const gapAfterTermMs = resumed.started_at.getTime() - termAt;
    await until(
      "contoso to converge after SIGTERM",
      () => (contoso.abm.users().filter((u) => u.active !== false).length === 40 - 5 + 120 ? true : undefined),
      60_000,
    );

    // 5. let the remaining replica keep both organizations running past the 60 s mark
    const observeUntil = testStart + 75_000;
    if (Date.now() < observeUntil) await new Promise((r) => setTimeout(r, observeUntil - Date.now()));

    // the end state equals a single process's: every Entra user once in ABM, no duplicate
    let duplicates = 0;
    for (const [pair, count] of [
      [contoso, 155],
      [academy, 25],
    ] as const) {
      const users = pair.abm.users();
      const active = users.filter((u) => u.active !== false);
      expect(active).toHaveLength(count);
      const names = users.map((u) => String(u.userName).toLowerCase());
      duplicates += names.length - new Set(names).size;
      expect(new Set(names).size, "duplicate userNames").toBe(names.length);
      const external = users.map((u) => String(u.externalId));
      expect(new Set(external).size, "duplicate externalIds").toBe(external.length);
      const entra = new Set(
        [...pair.graph.store.users.values()].filter((u) => u.state === "active").map((u) => String(u.user.id)),
      );
      for (const u of active) expect(entra.has(String(u.externalId))).toBe(true);
    }

    // no two runs of one connection overlapped, on any replica
    const report: Record<string, unknown> = {
      gapAfterKillMs: gapMs,
      sigtermStopMs: stopMs,
      createdBeforeSigterm: createdAtStop,
      gapAfterSigtermMs: gapAfterTermMs,
      duplicates,
    };
    for (const id of ["con_contoso", "con_academy"]) {
      const rows = await runs(id);
      for (let i = 1; i < rows.length; i += 1) {
        const before = rows[i - 1];
        const after = rows[i];
        if (before === undefined || after === undefined) continue;
        // a run left behind by the killed replica is closed (failed) by the next cycle, before it starts
        expect(before.finished_at, `${id} ${before.id} never finished`).not.toBeNull();
        expect(after.started_at.getTime(), `${id} ${before.id} overlaps ${after.id}`).toBeGreaterThanOrEqual(
          before.finished_at?.getTime() ?? Number.POSITIVE_INFINITY,
        );
      }
      report[id] = { runs: rows.length, outcomes: rows.map((r) => r.outcome).join(",") };
    }
    console.log(`replicas report ${JSON.stringify(report)}`);
    expect(Date.now() - testStart).toBeGreaterThanOrEqual(60_000);
  }, 300_000);
});
