import { randomBytes } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createEmulatorCertificate } from "./certificate.js";
import type { EmulatorContext } from "./context.js";
import type { Faults } from "./faults.js";
import { createPrng } from "./prng.js";
import { createRouter } from "./router.js";
import { ROUTE_FAMILIES } from "./routes/index.js";
import { seedUsers, VERIFIED_DOMAIN } from "./seed.js";
import { type EmulatorState, snapshotState } from "./state.js";
import { createGraphStore, type GraphStore } from "./store.js";
import { createSynchronizationStore, type SynchronizationStore } from "./synchronization-store.js";

export interface GraphEmulatorOptions {
  /** loopback only; default 127.0.0.1 */
  readonly host?: string;
  /** default 0 (any free port) */
  readonly port?: number;
  /** synthetic users to seed at start; default 0 */
  readonly users?: number;
  /** seeds names, ids and fault draws; default 1 */
  readonly seed?: number;
  /** server page size of users delta (a client's `Prefer: odata.maxpagesize` may lower it); default 200 */
  readonly pageSize?: number;
  /** share of seeded users with a problem ABM rejects; default 0.05 */
  readonly problemRate?: number;
}

export interface GraphEmulator {
  /** Graph root, like `GRAPH_BASE_URL` (`https://127.0.0.1:<port>`; requests go to `/v1.0/...`) */
  readonly baseUrl: string;
  /** like `AZURE_AUTHORITY_HOST` (same origin as the Graph root) */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly servicePrincipalId: string;
  /** the self-signed certificate, for `NODE_EXTRA_CA_CERTS` in other processes */
  readonly caCertPath: string;
  /** the same certificate as PEM, for in-process clients (`trustedCaPem`) */
  readonly caPem: string;
  /** the domain the tenant has verified: `contoso.com` */
  readonly verifiedDomain: string;
  /** direct access to the tenant, for in-process tests and benchmarks */
  readonly store: GraphStore;
  /** the ABM app's provisioning job, secrets, provisioning log and recorded requests */
  readonly synchronization: SynchronizationStore;
  state(): EmulatorState;
  seed(count: number, seed?: number): void;
  setFaults(faults: Faults): void;
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const seed = options.seed ?? 1;
  const ids = createPrng(seed ^ 0x5eed);
  const now = (): Date => new Date();
  const store = createGraphStore(ids, now);
  const identity = {
    tenantId: ids.uuid(),
    clientId: ids.uuid(),
    clientSecret: `emu~${randomBytes(24).toString("base64url")}`,
    servicePrincipalId: ids.uuid(),
  };
  let origin = "";
  const synchronization = createSynchronizationStore(store, createPrng(seed ^ 0x5c1e), now, {
    id: identity.servicePrincipalId,
    tenantId: identity.tenantId,
  });
  const context: EmulatorContext = {
    store,
    synchronization,
    identity,
    prng: createPrng(seed ^ 0xfa17),
    pageSize: options.pageSize ?? 200,
    problemRate: options.problemRate ?? 0.05,
    tokens: new Map(),
    faults: {},
    origin: () => origin,
    now,
  };
  if ((options.users ?? 0) > 0) seedUsers(store, createPrng(seed), options.users ?? 0, context.problemRate);

  const certificate = await createEmulatorCertificate();
  const handle = createRouter(
    context,
    ROUTE_FAMILIES.flatMap((family) => family(context)),
  );
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: origin,
    authorityHost: origin,
    ...identity,
    caCertPath: certificate.caCertPath,
    caPem: certificate.certPem,
    verifiedDomain: VERIFIED_DOMAIN,
    store,
    synchronization,
    state: () => snapshotState(store),
    seed: (count, seedValue) => seedUsers(store, createPrng(seedValue ?? seed), count, context.problemRate),
    setFaults: (faults) => {
      context.faults = faults;
    },
    expireDeltaTokens: () => store.expireDeltaTokens(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await certificate.remove();
    },
  };
}
