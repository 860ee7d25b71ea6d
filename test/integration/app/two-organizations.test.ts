import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import type { RunningService } from "#app/runtime.js";
import type { ConnectionServices } from "#app/services.js";
import type { Config } from "#config/config.js";
import { loadConfig } from "#config/load-config.js";
import { abmInProcess } from "#test/support/abm-in-process.js";
import { emulatedConnection } from "#test/support/connections.js";
import { startTestService } from "#test/support/service.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { appHomeOpenedBody, blockActionBody, postSigned, slashCommandBody } from "../slack/support/signed-request.js";

/**
 * One service, two organizations: Contoso's Apple Business Manager and its academy's Apple School
 * Manager, each with its own Entra tenant (a Graph emulator), SCIM endpoint (an ABM emulator, the
 * second on ASM's /feeds/school/scim path), token, threshold, alert channel and approvers, all
 * from one ABM_CONNECTIONS file. Each organization's scheduler runs every 5 s.
 */
const SECRET = "two-organizations-signing-secret-0123";

describe("two organizations on one service (ABM + ASM, Slack, schedulers on)", () => {
  let contosoPair: EmulatorPair;
  let academyPair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let service: RunningService;
  let config: Config;
  let dir: string;
  let contoso: ConnectionServices;
  let academy: ConnectionServices;

  beforeAll(async () => {
    contosoPair = await startEmulators({ users: 12, seed: 21, problemRate: 0 });
    academyPair = await startEmulators({ users: 7, seed: 22, problemRate: 0, abmBasePath: "/feeds/school/scim" });
    api = await startFakeSlackApi();
    sink = await startResponseSink();
    dir = mkdtempSync(join(tmpdir(), "abm-connections-"));
    const file = join(dir, "connections.json");
    const connections = [
      emulatedConnection("contoso", "Contoso", contosoPair, {
        interval: "5s",
        alertChannels: ["slack:CCONTOSO"],
        deletionThreshold: 2,
        approvers: ["UAPPROVERC"],
      }),
      emulatedConnection("academy", "Contoso Academy", academyPair, {
        interval: "5s",
        alertChannels: ["slack:CACADEMY"],
        approvers: ["UAPPROVERA"],
      }),
    ];
    writeFileSync(file, JSON.stringify({ connections }));
    const loaded = loadConfig({
      ABM_CONNECTIONS: file,
      CONTOSO_SCIM_TOKEN: contosoPair.abm.token,
      CONTOSO_CLIENT_SECRET: contosoPair.graph.clientSecret,
      ACADEMY_SCIM_TOKEN: academyPair.abm.token,
      ACADEMY_CLIENT_SECRET: academyPair.graph.clientSecret,
      SLACK_BOT_TOKEN: "xoxb-two-organizations",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${api.url}/`,
      ABM_OPERATORS: "UOPERATOR",
      // Slack loads chart images from here (this test fetches the same path from the service itself)
      ABM_PUBLIC_URL: "https://abm.example.com",
    });
    if (!loaded.ok) throw loaded.error;
    config = loaded.value;
    service = await startTestService({
      config,
      targets: { contoso: targetsFromEmulators(contosoPair), academy: targetsFromEmulators(academyPair) },
      schedule: true,
    });
    const [first, second] = service.services.connections;
    if (second === undefined) throw new Error("expected two connections");
    contoso = first;
    academy = second;
  });

  afterAll(async () => {
    await service?.stop();
    await Promise.allSettled([contosoPair?.close(), academyPair?.close(), api?.close(), sink?.close()]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("each organization syncs its own directory into its own Apple organization, on its own schedule", async () => {
    expect(config.connections.map((c) => [c.id, c.organization])).toEqual([
      ["contoso", "business"],
      ["academy", "school"],
    ]);
    const linked = async (connection: ConnectionServices) => {
      const status = await connection.engine.status();
      return status.ok ? status.value.linkedUsers : null;
    };
    await until("both initial cycles", async () =>
      (await linked(contoso)) === 12 && (await linked(academy)) === 7 ? true : undefined,
    );
    expect(contosoPair.abm.users()).toHaveLength(12);
    expect(academyPair.abm.users()).toHaveLength(7);
    const contosoNames = new Set(contosoPair.abm.users().map((u) => String(u.userName)));
    expect(academyPair.abm.users().some((u) => contosoNames.has(String(u.userName)))).toBe(false);
  });

  it("takes --connection on every CLI command; without it, status lists both and the rest name the choices", async () => {
    const cli = async (argv: string[]) => {
      const { code, stdout, stderr } = await abmInProcess(service.services, { ok: true, value: config }, [
        ...argv,
        "--json",
      ]);
      return { code, doc: JSON.parse(stdout) as Record<string, unknown>, stderr };
    };
    const academyUser = String([...academyPair.graph.store.users.values()][0]?.user.userPrincipalName ?? "");
    const commands: string[][] = [
      ["status"],
      ["history"],
      ["errors"],
      ["approvals"],
      ["check", academyUser],
      ["sync", "--dry-run"],
      ["pause"],
      ["resume"],
    ];
    for (const argv of commands) {
      const run = await cli([...argv, "--connection", "academy"]);
      expect(run.code, `${argv.join(" ")}: ${run.stderr}`).toBe(0);
    }
    const academyHistory = await cli(["history", "--connection", "academy"]);
    const contosoHistory = await cli(["history", "--connection=contoso"]);
    const runIds = (doc: Record<string, unknown>) => (doc.runs as { id: string }[]).map((r) => r.id);
    expect(runIds(academyHistory.doc).some((id) => runIds(contosoHistory.doc).includes(id))).toBe(false);
    const checked = await cli(["check", academyUser, "--connection", "contoso"]);
    expect(JSON.stringify(checked.doc)).not.toContain('"target":{');

    const overview = await cli(["status"]);
    expect(overview.code).toBe(0);
    expect(
      (overview.doc.connections as { id: string; organization: string }[]).map((c) => [c.id, c.organization]),
    ).toEqual([
      ["contoso", "business"],
      ["academy", "school"],
    ]);
    const which = await cli(["history"]);
    expect(which.code).toBe(2);
    expect(which.doc).toMatchObject({ ok: false, error: { code: "connection.required" } });
    expect(JSON.stringify(which.doc)).toMatch(/contoso, academy/);
    const unknown = await cli(["status", "--connection", "fabrikam"]);
    expect(unknown.code).toBe(2);
    expect(unknown.doc).toMatchObject({ ok: false, error: { code: "connection.unknown" } });
  });

  it("routes chat by --connection and by the channel's binding, in the organization's words", async () => {
    const ask = async (text: string, channelId: string, path: string) => {
      const ack = await postSigned(
        `${service.url}/slack/events`,
        slashCommandBody({ text, userId: "UOPERATOR", channelId, responseUrl: `${sink.url}${path}` }),
        { secret: SECRET },
      );
      expect(ack.status).toBe(200);
      return JSON.stringify((await until(path, () => sink.received.find((r) => r.path === path))).body);
    };
    expect(await ask("status --connection academy", "CELSEWHERE", "/named")).toContain("ASM sync");
    expect(await ask("status", "CACADEMY", "/bound")).toContain("ASM sync");
    expect(await ask("status", "CCONTOSO", "/bound-contoso")).toContain("ABM sync");
    const overview = await ask("status", "CELSEWHERE", "/overview");
    expect(overview).toContain("Contoso Academy");
    expect(overview).toContain("2 organizations");
    expect(await ask("history", "CELSEWHERE", "/which")).toContain("--connection");
  });

  it("the App Home tab shows one section per organization, each with its run chart served by the service", async () => {
    const body = appHomeOpenedBody({ userId: "UOPERATOR" });
    const ack = await postSigned(`${service.url}/slack/events`, body, {
      secret: SECRET,
      contentType: "application/json",
    });
    expect(ack.status).toBe(200);
    const call = await until("views.publish", () =>
      api.byMethod("views.publish").find((c) => c.body.user_id === "UOPERATOR"),
    );
    const view = call.body.view as {
      type: string;
      blocks: { type: string; text?: { text: string }; image_url?: string }[];
    };
    expect(view.type).toBe("home");
    const headers = view.blocks.filter((b) => b.type === "header").map((b) => b.text?.text ?? "");
    expect(headers).toEqual([
      expect.stringMatching(/^:\w+: Contoso \(ABM\) — ABM sync: /),
      expect.stringMatching(/^Contoso Academy \(ASM\) — ASM sync: /),
    ]);
    const images = view.blocks.filter((b) => b.type === "image").map((b) => String(b.image_url));
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image).toMatch(/^https:\/\/abm\.example\.com\/charts\/[\w-]+\.[\w-]{43}\.png$/);
      const served = await fetch(`${service.url}${new URL(image).pathname}`);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe("image/png");
    }
    const tampered = `${new URL(images[0] ?? "").pathname.slice(0, -10)}AAAAAA.png`;
    expect((await fetch(`${service.url}${tampered}`)).status).toBe(404);
  });

  it("alerts and approvals stay with their organization: Contoso's held batch goes to its channel and is applied in its ABM only", async () => {
    const leaving = [...contosoPair.graph.store.users.keys()].slice(0, 4);
    for (const id of leaving) contosoPair.graph.store.deleteUser(id, false);
    const post = await until("Contoso's approval message", () =>
      api.byMethod("chat.postMessage").find((c) => JSON.stringify(c.body.blocks ?? "").includes("approval.approve")),
    );
    expect(post.body.channel).toBe("CCONTOSO");
    const pending = await contoso.approvals.pending();
    expect(pending).not.toBeNull();
    expect(await academy.approvals.pending()).toBeNull();
    expect(JSON.stringify(post.body.blocks)).toContain(`"value":"contoso:${pending?.id}"`);
    const messageTs = await until(
      "the stored message ref",
      async () => (await contoso.approvals.get(pending?.id ?? ""))?.messages[0]?.messageId,
    );
    const academyActiveBefore = academyPair.abm.users().filter((u) => u.active !== false).length;
    const click = await postSigned(
      `${service.url}/slack/events`,
      blockActionBody({
        userId: "UAPPROVERC",
        actionId: "approval.approve",
        value: `contoso:${pending?.id}`,
        channelId: "CCONTOSO",
        messageTs,
        responseUrl: `${sink.url}/approve`,
      }),
      { secret: SECRET },
    );
    expect(click.status).toBe(200);
    await until("four deactivations in Contoso's ABM", () =>
      contosoPair.abm.users().filter((u) => u.active === false).length === 4 ? true : undefined,
    );
    expect(academyPair.abm.users().filter((u) => u.active !== false)).toHaveLength(academyActiveBefore);
    // the Academy's channel receives every kind, so its own runs' notes, but nothing of Contoso's
    const academyPosts = api.byMethod("chat.postMessage").filter((c) => c.body.channel === "CACADEMY");
    for (const c of academyPosts) expect(String(c.body.text)).toMatch(/^Run run_\S+ \(/);
    expect(academyPosts.some((c) => JSON.stringify(c.body).includes("contoso:"))).toBe(false);
  });

  it("one organization's failing ABM never delays the other's cycles", async () => {
    academyPair.abm.setFaults({ status5xxRate: 1, latencyMs: 1_500 });
    academyPair.graph.store.createUser({
      displayName: "Stuck Student",
      givenName: "Stuck",
      surname: "Student",
      userPrincipalName: `stuck.student@${academyPair.graph.verifiedDomain}`,
      accountEnabled: true,
    });
    const before = Date.now();
    contosoPair.graph.store.createUser({
      displayName: "New Hire",
      givenName: "New",
      surname: "Hire",
      userPrincipalName: `new.hire@${contosoPair.graph.verifiedDomain}`,
      accountEnabled: true,
    });
    await until("the new hire in Contoso's ABM", () =>
      contosoPair.abm.users().some((u) => String(u.userName).startsWith("new.hire@")) ? true : undefined,
    );
    // within one interval (5 s) plus the cycle, while the academy's ABM answers 503 slowly
    expect(Date.now() - before).toBeLessThan(12_000);
    // meanwhile the academy's cycles are stuck on its ABM (in flight or failed), and its new student is not there
    const academyStatus = await academy.engine.status();
    const stuck =
      academyStatus.ok &&
      (academyStatus.value.state === "running" || academyStatus.value.lastRun?.outcome === "failed");
    expect(stuck).toBe(true);
    expect(academyPair.abm.users().some((u) => String(u.userName).startsWith("stuck.student@"))).toBe(false);
    academyPair.abm.setFaults({});
    await until(
      "the academy catching up once its ABM answers again",
      () => (academyPair.abm.users().some((u) => String(u.userName).startsWith("stuck.student@")) ? true : undefined),
      30_000,
    );
  });

  it("labels metrics per connection", async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/abm_sync_runs_total\{connection="contoso",kind="initial",outcome="succeeded"\} 1/);
    expect(metrics).toMatch(/abm_sync_runs_total\{connection="academy",kind="initial",outcome="succeeded"\} 1/);
  });
});
