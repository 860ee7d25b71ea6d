import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import { createEmulatorCertificate, type EmulatorCertificate } from "#emulators/graph/certificate.js";
import { seedPgliteDataDir } from "#test/support/pglite-template.js";
import { addUser } from "../entra-provisioning/support/entra-fixture.js";
import { type AbmRun, runAbm } from "./run-abm.js";

/** one `abm` process opens PGlite and runs tsx: seconds each, far more on a loaded machine */
const STEP_MS = 90_000;

interface CountingProxy {
  readonly origin: string;
  /** `METHOD /path` of every Graph and token request that went through, in order */
  readonly seen: string[];
  close(): Promise<void>;
}

/**
 * An HTTPS proxy in front of the Graph emulator that records every request (the emulator only
 * records synchronization writes). Answers are passed through with the emulator's origin rewritten
 * to the proxy's, so follow-up links (paging, token metadata) come back through it too.
 */
async function startCountingProxy(upstream: string, upstreamCa: string, cert: EmulatorCertificate) {
  const target = new URL(upstream);
  const seen: string[] = [];
  let origin = "";
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      seen.push(`${req.method ?? "GET"} ${path.split("?")[0] ?? path}`);
      const headers = { ...req.headers, host: target.host };
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path, headers, ca: upstreamCa },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => body.push(chunk));
          answer.on("end", () => {
            const text = Buffer.concat(body).toString("utf8").split(upstream).join(origin);
            const out = { ...answer.headers };
            delete out["content-length"];
            delete out["transfer-encoding"];
            res.writeHead(answer.statusCode ?? 502, { ...out, "content-length": Buffer.byteLength(text) });
            res.end(text);
          });
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy: CountingProxy = {
    origin,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

/**
 * Issue 14: one CLI command asks the command core ONCE, so `status` and `check` cost the same
 * Graph calls whether the answer is printed as text or as JSON (the text path used to query the
 * engine a second time). Counted at an HTTPS proxy in front of the Graph emulator, per process.
 */
describe("abm status / check: one set of Graph calls per invocation, text or JSON", () => {
  let pair: EmulatorPair;
  let cert: EmulatorCertificate;
  let proxy: CountingProxy;
  let scratch: string;
  let upn: string;
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "abm-cli-calls-"));
    pair = await startEmulators({ users: 3, seed: 14, problemRate: 0 });
    upn = addUser(pair.graph, "callcount").upn;
    cert = await createEmulatorCertificate();
    proxy = await startCountingProxy(pair.graph.baseUrl, pair.graph.caPem, cert);
    // the database exists already: what is counted is a command, not the first start
    await Promise.all([seedPgliteDataDir(join(scratch, "entra")), seedPgliteDataDir(join(scratch, "native"))]);
    const caFile = join(scratch, "ca.pem");
    writeFileSync(caFile, `${cert.certPem}\n${pair.graph.caPem}\n`);
    baseEnv = {
      AZURE_TENANT_ID: pair.graph.tenantId,
      AZURE_CLIENT_ID: pair.graph.clientId,
      AZURE_CLIENT_SECRET: pair.graph.clientSecret,
      AZURE_AUTHORITY_HOST: proxy.origin,
      GRAPH_BASE_URL: proxy.origin,
      ABM_SERVICE_PRINCIPAL_ID: pair.graph.servicePrincipalId,
      NODE_EXTRA_CA_CERTS: caFile,
      LOG_FORMAT: "json",
    };
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await cert?.remove();
    await pair?.close();
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  });

  /** runs one command and returns what it cost at Graph */
  async function costOf(env: Record<string, string>, args: string[]): Promise<{ run: AbmRun; calls: string[] }> {
    proxy.seen.length = 0;
    const run = await runAbm(args, env, STEP_MS);
    expect(run.code, `abm ${args.join(" ")}: ${run.stdout}${run.stderr}`).toBe(0);
    return { run, calls: [...proxy.seen] };
  }

  async function expectSameCost(env: Record<string, string>, args: string[]): Promise<string[]> {
    const asJson = await costOf(env, [...args, "--json"]);
    expect(asJson.run.stdout.trim().split("\n")).toHaveLength(1);
    const asText = await costOf(env, args);
    expect(asText.calls, `abm ${args.join(" ")}: text must cost what --json costs`).toEqual(asJson.calls);
    return asJson.calls;
  }

  it(
    "entra engine: status and check cost the same Graph calls as text and as JSON",
    async () => {
      const env = { ...baseEnv, ABM_ENGINE: "entra", ABM_DATA_DIR: join(scratch, "entra") };
      const status = await expectSameCost(env, ["status"]);
      const jobReads = status.filter((c) => /^GET .*\/synchronization\/jobs(\/[^/]+)?$/.test(c));
      expect(jobReads.length, status.join("\n")).toBeGreaterThan(0);

      const check = await expectSameCost(env, ["check", upn]);
      expect(check.length, check.join("\n")).toBeGreaterThan(0);
    },
    5 * STEP_MS,
  );

  it(
    "native engine: status and check cost the same Graph calls as text and as JSON",
    async () => {
      const env = {
        ...baseEnv,
        ABM_DATA_DIR: join(scratch, "native"),
        ABM_SCIM_URL: pair.abm.scimUrl,
        ABM_SCIM_TOKEN: pair.abm.token,
        SYNC_SCOPE: "all",
      };
      const status = await expectSameCost(env, ["status"]);
      expect(
        status.filter((c) => !c.includes("/oauth2/") && !c.includes("openid-configuration")),
        "native status reads its own database, not Graph",
      ).toEqual([]);
      const check = await expectSameCost(env, ["check", upn]);
      expect(check.filter((c) => c.includes("/users")).length, check.join("\n")).toBeGreaterThan(0);
    },
    5 * STEP_MS,
  );
});
