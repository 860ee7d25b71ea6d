import {
  createEntraProvisioningEngine,
  type EntraEngineDeps,
  type EntraProvisioningEngine,
} from "#adapters/entra-provisioning/index.js";
import { connectGraph } from "#adapters/graph/index.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { Clock } from "#core/clock.js";
import type { EngineEvent } from "#core/engine/context.js";
import type { IdGenerator } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { NamedValueStore } from "#core/ports/named-values.js";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import type { GraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { InMemoryApprovalStore } from "#test/support/chat/fakes.js";
import { connectionFor } from "../../graph/support/graph-fixture.js";

/** A named-string store kept in memory: survives "restarts" when handed to a new engine. */
export class InMemoryEntraStore implements NamedValueStore {
  readonly values = new Map<string, string>();
  async get(name: string) {
    return this.values.get(name) ?? null;
  }
  async set(name: string, value: string) {
    this.values.set(name, value);
  }
}

/** Real time (the emulator's tokens and rate limit use it), sleeps shortened to keep tests fast. */
const fastClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
};

function sequentialIds(): IdGenerator {
  let n = 0;
  return { next: (prefix) => `${prefix}_${(++n).toString().padStart(4, "0")}` };
}

export interface EntraFixture {
  /** `close()` releases the engine's Graph connection (the app closes its own in services.ts) */
  readonly engine: EntraProvisioningEngine & { close(): Promise<void> };
  readonly store: InMemoryEntraStore;
  readonly approvals: ApprovalStore;
  readonly events: EngineEvent[];
}

export function entraEngineFor(
  emulator: GraphEmulator,
  overrides: Partial<EntraEngineDeps> = {},
  store = new InMemoryEntraStore(),
  approvals: ApprovalStore = new InMemoryApprovalStore(),
): EntraFixture {
  const events: EngineEvent[] = [];
  const graph = connectGraph(connectionFor(emulator, { clock: fastClock }));
  const engine = createEntraProvisioningEngine({
    graph: graph.requester,
    servicePrincipalId: emulator.servicePrincipalId,
    store,
    approvals,
    requiredApprovals: 1,
    verifiedDomains: [emulator.verifiedDomain],
    attributeMap: DEFAULT_ATTRIBUTE_MAP,
    clock: fastClock,
    ids: sequentialIds(),
    logger: silentLogger,
    events: { emit: (event) => events.push(event) },
    approvalTtlMs: 24 * 3_600_000,
    ...overrides,
  });
  return { engine: { ...engine, close: () => graph.close() }, store, approvals, events };
}

/** A user in the emulator's tenant (assigned to the ABM app unless `assigned: false`). */
export function addUser(
  emulator: GraphEmulator,
  name: string,
  options: { assigned?: boolean; givenName?: string | null } = {},
): { id: string; upn: string } {
  const upn = `${name}@${emulator.verifiedDomain}`;
  const user = emulator.store.createUser({
    userPrincipalName: upn,
    mail: upn,
    displayName: name,
    givenName: options.givenName === undefined ? name : options.givenName,
    surname: "Tester",
    department: "IT",
  });
  if (options.assigned !== false) emulator.store.assign(user.id);
  return { id: user.id, upn };
}

export function theJob(emulator: GraphEmulator) {
  const job = [...emulator.synchronization.jobs.values()][0];
  if (job === undefined) throw new Error("the emulator has no job");
  return job;
}
