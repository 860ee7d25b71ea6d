import type { Clock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";
import type { AppleUser } from "#core/ports/apple-directory.js";
import type { NamedValueStore } from "#core/ports/named-values.js";
import type { ProvisioningEngine } from "#core/ports/provisioning-engine.js";
import { createLastReconcileStore } from "#core/reconcile/last-report.js";
import { createReconciler, type Reconciler } from "#core/reconcile/reconciler.js";
import { ok } from "#core/result.js";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import type { SourceUser } from "#core/users.js";

/** The connection's named values in memory (the `watermarks` table's shape: one string per name). */
export class InMemoryNamedValues implements NamedValueStore {
  readonly values = new Map<string, string>();
  async get(name: string): Promise<string | null> {
    return this.values.get(name) ?? null;
  }
  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}

/**
 * Both sides of a reconcile in memory: the Entra users the directory reads (all in the assigned
 * scope), Apple's own users, and where the last report's summary is kept (share it between two
 * harnesses to play two replicas).
 */
export interface AppleWorld {
  readonly entra: SourceUser[];
  readonly apple: AppleUser[];
  readonly values: InMemoryNamedValues;
}

export function entraUser(id: string, upn: string, given: string, family: string): SourceUser {
  return { id, attributes: { userPrincipalName: upn, mail: upn, givenName: given, surname: family } };
}

export function appleUser(id: string, account: string, over: Partial<AppleUser> = {}): AppleUser {
  return {
    id,
    firstName: null,
    lastName: null,
    status: "ACTIVE",
    managedAppleAccount: account,
    email: null,
    isExternalUser: false,
    roles: ["Staff"],
    employeeNumber: null,
    department: null,
    costCenter: null,
    division: null,
    ...over,
  };
}

/** The real reconciler over the world's two sides. */
export function worldReconciler(
  world: AppleWorld,
  engine: Pick<ProvisioningEngine, "status">,
  clock: Clock,
): Reconciler {
  return createReconciler({
    directory: {
      async readChanges(input) {
        await input.onBatch(
          world.entra.map((user) => ({ kind: "upsert", user })),
          { full: true },
        );
        return ok({ watermark: "delta-1", full: true });
      },
      async readAssignedScope() {
        const ids = world.entra.map((user) => user.id);
        return ok({ userIds: new Set(ids), assignedGroupIds: [], assignedUserIds: ids });
      },
    },
    apple: { listUsers: async () => ok(world.apple) },
    engine,
    map: DEFAULT_ATTRIBUTE_MAP,
    clock,
    lastReport: createLastReconcileStore(world.values),
    logger: silentLogger,
  });
}
