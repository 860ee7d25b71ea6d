import { randomBytes } from "node:crypto";
import type { Faults } from "#emulators/abm/faults.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";

export interface EmulatorPair {
  readonly graph: GraphEmulator;
  readonly abm: AbmEmulator;
  /** the docs/contracts.md §5 line printed by `abm emulate --json` */
  readonly connection: {
    readonly graph: Pick<
      GraphEmulator,
      "baseUrl" | "authorityHost" | "tenantId" | "clientId" | "clientSecret" | "servicePrincipalId" | "caCertPath"
    >;
    /** `nextToken`: only when the ABM emulator accepts a second token (`secondAbmToken`) */
    readonly abm: { readonly scimUrl: string; readonly token: string; readonly nextToken?: string };
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
}

/**
 * Gives the seeded directory the shape of a real ABM app assignment: a group "Apple Business
 * Manager users" with most users as direct members is assigned to the app, a few users are assigned
 * directly, and a nested group (whose members must NOT be synced) sits inside the assigned group.
 */
export function assignDemoScope(graph: GraphEmulator): { assigned: number; groupId: string } {
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
  return { assigned: ids.filter((_, i) => i % 10 < 8 || i % 20 === 9).length, groupId: group.id };
}

/** Starts the Graph (Entra) and ABM SCIM emulators on loopback, in this process. */
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
  const { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath } = graph;
  return {
    graph,
    abm,
    connection: {
      graph: { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath },
      abm: {
        scimUrl: abm.scimUrl,
        token: abm.token,
        ...(abm.nextToken === null ? {} : { nextToken: abm.nextToken }),
      },
    },
    close: async () => {
      await Promise.allSettled([graph.close(), abm.close()]);
    },
  };
}
