import { randomBytes } from "node:crypto";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";

export interface EmulatorPair {
  readonly graph: GraphEmulator;
  readonly abm: AbmEmulator;
  /** the DESIGN.md §5 line printed by `abm emulate --json` */
  readonly connection: {
    readonly graph: {
      readonly baseUrl: string;
      readonly authorityHost: string;
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly servicePrincipalId: string;
      readonly caCertPath: string;
    };
    readonly abm: { readonly scimUrl: string; readonly token: string };
  };
  close(): Promise<void>;
}

export interface EmulatorOptions {
  readonly users?: number;
  readonly seed?: number;
  readonly graphPort?: number;
  readonly abmPort?: number;
  readonly problemRate?: number;
  readonly pageSize?: number;
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
      port: options.abmPort ?? 0,
      verifiedDomains: [graph.verifiedDomain],
      seed: options.seed ?? 1,
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
      abm: { scimUrl: abm.scimUrl, token: abm.token },
    },
    close: async () => {
      await Promise.allSettled([graph.close(), abm.close()]);
    },
  };
}
