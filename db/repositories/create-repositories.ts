import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import type { ConnectionStore } from "#core/ports/store/connection-store.js";
import type { LeaseStore } from "#core/ports/store/lease-store.js";
import type { LinkStore } from "#core/ports/store/link-store.js";
import type { OperationStore } from "#core/ports/store/operation-store.js";
import type { RunStore } from "#core/ports/store/run-store.js";
import type { WatermarkStore } from "#core/ports/store/watermark-store.js";
import type { Database } from "../database.js";
import { createConnectionRepository } from "./connection-repository.js";
import { createLeaseRepository } from "./lease-repository.js";
import { createLinkRepository } from "./link-repository.js";
import { createOperationRepository } from "./operation-repository.js";
import { createRunRepository } from "./run-repository.js";
import { createSeenRequestRepository } from "./seen-request-repository.js";
import { createWatermarkRepository } from "./watermark-repository.js";

export interface Repositories {
  readonly connections: ConnectionStore;
  readonly runs: RunStore;
  readonly operations: OperationStore;
  readonly links: LinkStore;
  readonly watermarks: WatermarkStore;
  readonly leases: LeaseStore;
  readonly seenRequests: SeenRequestStore;
}

/**
 * Every repository over one database or transaction:
 * `await db.transaction(async (tx) => { const r = createRepositories(tx); … })`.
 */
export function createRepositories(db: Database): Repositories {
  return {
    connections: createConnectionRepository(db),
    runs: createRunRepository(db),
    operations: createOperationRepository(db),
    links: createLinkRepository(db),
    watermarks: createWatermarkRepository(db),
    leases: createLeaseRepository(db),
    seenRequests: createSeenRequestRepository(db),
  };
}
