import type { Config, ConnectionConfig, ScimConfig } from "#config/config.js";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import type { EmulatorPair } from "./emulators.js";

/** Where the sync reads and writes: from the configuration, or from the in-process emulators (demo). */
export interface ConnectionTargets {
  readonly graph: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly authorityHost: string;
    readonly graphBaseUrl: string;
    readonly servicePrincipalId: string | null;
    readonly trustedCaPem?: string;
  };
  readonly scim: ScimConfig;
  readonly verifiedDomains: readonly string[];
  /** the Apple Business API account (reconcile); absent: the Apple side is off */
  readonly apple?: AppleTargets;
}

export interface AppleTargets {
  readonly clientId: string;
  readonly keyId: string;
  readonly privateKeyPath: string;
  readonly apiUrl: string;
  readonly tokenUrl: string;
}

/** Where each configured connection reads and writes, by connection id. */
export function targetsFromConfig(config: Config): Result<Record<string, ConnectionTargets>, AppError> {
  const targets: Record<string, ConnectionTargets> = {};
  for (const connection of config.connections) {
    const one = connectionTargets(connection, config.connections.length > 1);
    if (!one.ok) return err(one.error);
    targets[connection.id] = one.value;
  }
  return ok(targets);
}

function connectionTargets(connection: ConnectionConfig, named: boolean): Result<ConnectionTargets, AppError> {
  const { azure, scim } = connection;
  if (azure.tenantId === null || azure.clientId === null || azure.clientSecret === null) {
    const where = named
      ? ` for connection "${connection.id}" (tenantId, clientId, clientSecretVariable in ABM_CONNECTIONS)`
      : "";
    return err(
      new AppError(
        "app.not_configured",
        `Entra is not configured${where}: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (see .env.example), or run \`npm start\` with nothing set for the demo.`,
      ),
    );
  }
  return ok({
    graph: {
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      clientSecret: azure.clientSecret,
      authorityHost: azure.authorityHost,
      graphBaseUrl: azure.graphBaseUrl,
      servicePrincipalId: azure.servicePrincipalId,
    },
    scim,
    verifiedDomains: connection.sync.verifiedDomains,
    ...(connection.apple === null ? {} : { apple: connection.apple }),
  });
}

/**
 * What targetsFromEmulators reads: the in-process pair, or the same fields reported by emulators
 * running in another process (the benches' child).
 */
interface EmulatorEndpoints {
  readonly graph: Pick<
    EmulatorPair["graph"],
    | "tenantId"
    | "clientId"
    | "clientSecret"
    | "authorityHost"
    | "baseUrl"
    | "servicePrincipalId"
    | "caPem"
    | "verifiedDomain"
  >;
  readonly abm: Pick<EmulatorPair["abm"], "scimUrl" | "token"> & { readonly nextToken?: string | null };
  readonly apple?: AppleTargets;
}

export function targetsFromEmulators(pair: EmulatorEndpoints): ConnectionTargets {
  const { graph, abm, apple } = pair;
  return {
    graph: {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      authorityHost: graph.authorityHost,
      graphBaseUrl: graph.baseUrl,
      servicePrincipalId: graph.servicePrincipalId,
      trustedCaPem: graph.caPem,
    },
    scim: {
      url: abm.scimUrl,
      token: abm.token,
      tokenExpiresAt: null,
      nextToken: abm.nextToken ?? null,
      nextTokenExpiresAt: null,
    },
    verifiedDomains: [graph.verifiedDomain],
    ...(apple === undefined
      ? {}
      : {
          apple: {
            clientId: apple.clientId,
            keyId: apple.keyId,
            privateKeyPath: apple.privateKeyPath,
            apiUrl: apple.apiUrl,
            tokenUrl: apple.tokenUrl,
          },
        }),
  };
}
