import { randomBytes } from "node:crypto";
import type { Faults } from "#emulators/abm/faults.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { type AppleBusinessEmulator, startAppleBusinessEmulator } from "#emulators/apple-business/server.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";

export interface EmulatorPair {
  readonly graph: GraphEmulator;
  readonly abm: AbmEmulator;
  /** the Apple Business API (users, groups, audit events; read-only) */
  readonly apple: AppleBusinessEmulator;
  /** the docs/contracts.md §5 line printed by `abm emulate --json` */
  readonly connection: {
    readonly graph: Pick<
      GraphEmulator,
      "baseUrl" | "authorityHost" | "tenantId" | "clientId" | "clientSecret" | "servicePrincipalId" | "caCertPath"
    >;
    /** `nextToken`: only when the ABM emulator accepts a second token (`secondAbmToken`) */
    readonly abm: { readonly scimUrl: string; readonly token: string; readonly nextToken?: string };
    readonly apple: Pick<AppleBusinessEmulator, "apiUrl" | "tokenUrl" | "clientId" | "keyId" | "privateKeyPath">;
  };
  close(): Promise<void>;
}

export interface EmulatorOptions {
  readonly users?: number;
  readonly seed?: number;
  readonly graphPort?: number;
  readonly abmPort?: number;
  /** the SCIM root path; Apple School Manager's is /feeds/school/scim (default: ABM's /feeds/business/scim) */
  readonly abmBasePath?: string;
  readonly problemRate?: number;
  readonly pageSize?: number;
  /** the ABM emulator's faults from the start and after each reset (`abm emulate --abm-rate-limit/--abm-latency-ms`) */
  readonly abmFaults?: Faults;
  /** the ABM emulator also accepts a second token, for ABM_SCIM_TOKEN_NEXT (`abm emulate --abm-second-token`) */
  readonly secondAbmToken?: boolean;
  /** port of the Apple Business API emulator (default: any free port) */
  readonly applePort?: number;
  /** GETs per minute the Apple Business API emulator answers before 429 (default: no limit) */
  readonly appleRateLimitPerMinute?: number;
}

/**
 * Gives the seeded directory the shape of a real ABM app assignment: a group "Apple Business
 * Manager users" with most users as direct members is assigned to the app, a few users are assigned
 * directly, and a nested group (whose members must NOT be synced) sits inside the assigned group.
 */
export function assignDemoScope(graph: GraphEmulator): {
  assigned: number;
  groupId: string;
  assignedIds: string[];
} {
  const ids = [...graph.store.users.keys()];
  const group = graph.store.createGroup("Apple Business Manager users");
  const nested = graph.store.createGroup("Contractors (nested: not synced)");
  ids.forEach((id, i) => {
    if (i % 10 < 8) graph.store.addMember(group.id, id);
    else if (i % 10 === 8) graph.store.addMember(nested.id, id);
    else if (i % 20 === 9) graph.store.assign(id);
  });
  graph.store.addMember(group.id, nested.id);
  graph.store.assign(group.id);
  const assignedIds = ids.filter((_, i) => i % 10 < 8 || i % 20 === 9);
  return { assigned: assignedIds.length, groupId: group.id, assignedIds };
}

/**
 * Hand-made accounts in the Apple organization, for `reconcile` in the demo: an administrator and a
 * locked user whose accounts collide with in-scope Entra users (ABM's SCIM answers 409 for both, as
 * for any account that already exists), an orphan nobody in Entra has, and the audit events that
 * made them. Returns the accounts.
 */
export function seedAppleDemo(pair: Pick<EmulatorPair, "graph" | "abm" | "apple">, inScopeUserIds: readonly string[]) {
  const upnOf = (id: string | undefined): string | null => {
    const upn = id === undefined ? undefined : pair.graph.store.users.get(id)?.user.userPrincipalName;
    return typeof upn === "string" ? upn : null;
  };
  const admin = upnOf(inScopeUserIds[0]);
  const locked = upnOf(inScopeUserIds[1]);
  const orphan = `former.employee@${pair.graph.verifiedDomain}`;
  const now = new Date();
  const seeded = { admin, locked, orphan };
  if (admin !== null)
    pair.apple.store.addUser(
      {
        managedAppleAccount: admin,
        email: admin,
        firstName: "Org",
        lastName: "Admin",
        status: "ACTIVE",
        isExternalUser: false,
        roleOuList: [{ roleName: "Administrator", ouId: "ou-1" }],
      },
      now,
    );
  if (locked !== null)
    pair.apple.store.addUser(
      {
        managedAppleAccount: locked,
        email: locked,
        status: "LOCKED",
        isExternalUser: false,
        roleOuList: [{ roleName: "Staff", ouId: "ou-1" }],
      },
      now,
    );
  pair.abm.addConflicts([admin, locked].filter((upn): upn is string => upn !== null));
  const hand = pair.apple.store.addUser(
    {
      managedAppleAccount: orphan,
      email: orphan,
      firstName: "Former",
      lastName: "Employee",
      status: "ACTIVE",
      isExternalUser: false,
      roleOuList: [{ roleName: "Staff", ouId: "ou-1" }],
    },
    now,
  );
  pair.apple.store.addEvent({
    eventDateTime: now.toISOString(),
    type: "ACCOUNT_ADDED",
    actorType: "USER",
    actorName: admin ?? "admin",
    subjectType: "USER",
    subjectId: hand.id,
    subjectName: orphan,
    outcome: "SUCCESS",
  });
  return seeded;
}

/** Starts the Graph (Entra), ABM SCIM and Apple Business API emulators on loopback, in this process. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<EmulatorPair> {
  const graph = await startGraphEmulator({
    users: options.users ?? 0,
    seed: options.seed ?? 1,
    port: options.graphPort ?? 0,
    ...(options.problemRate === undefined ? {} : { problemRate: options.problemRate }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  let abm: AbmEmulator;
  try {
    abm = await startAbmEmulator({
      token: `abm-emulator-${randomBytes(12).toString("hex")}`,
      ...(options.secondAbmToken === true ? { nextToken: `abm-emulator-next-${randomBytes(12).toString("hex")}` } : {}),
      port: options.abmPort ?? 0,
      ...(options.abmBasePath === undefined ? {} : { basePath: options.abmBasePath }),
      verifiedDomains: [graph.verifiedDomain],
      seed: options.seed ?? 1,
      ...(options.abmFaults === undefined ? {} : { faults: options.abmFaults }),
    });
  } catch (error) {
    await graph.close();
    throw error;
  }
  let apple: AppleBusinessEmulator;
  try {
    apple = await startAppleBusinessEmulator({
      port: options.applePort ?? 0,
      scimUsers: () => abm.users(),
      ...(options.appleRateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: options.appleRateLimitPerMinute }),
    });
  } catch (error) {
    await Promise.allSettled([graph.close(), abm.close()]);
    throw error;
  }
  const { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath } = graph;
  const { apiUrl, tokenUrl, keyId, privateKeyPath } = apple;
  return {
    graph,
    abm,
    apple,
    connection: {
      graph: { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath },
      abm: {
        scimUrl: abm.scimUrl,
        token: abm.token,
        ...(abm.nextToken === null ? {} : { nextToken: abm.nextToken }),
      },
      apple: { apiUrl, tokenUrl, clientId: apple.clientId, keyId, privateKeyPath },
    },
    close: async () => {
      await Promise.allSettled([graph.close(), abm.close(), apple.close()]);
    },
  };
}
