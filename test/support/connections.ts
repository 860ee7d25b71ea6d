import type { EmulatorPair } from "#app/emulators.js";

/**
 * One ABM_CONNECTIONS entry for an emulator pair: its secrets by the variable names
 * `<ID>_SCIM_TOKEN` and `<ID>_CLIENT_SECRET` (set them to `pair.abm.token` and
 * `pair.graph.clientSecret`), scope `all`, and whatever `extra` sets.
 */
export function emulatedConnection(
  id: string,
  name: string,
  pair: EmulatorPair,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const upper = id.toUpperCase();
  return {
    id,
    name,
    scimUrl: pair.abm.scimUrl,
    scimTokenVariable: `${upper}_SCIM_TOKEN`,
    tenantId: pair.graph.tenantId,
    clientId: pair.graph.clientId,
    clientSecretVariable: `${upper}_CLIENT_SECRET`,
    graphBaseUrl: pair.graph.baseUrl,
    authorityHost: pair.graph.authorityHost,
    verifiedDomains: [pair.graph.verifiedDomain],
    scope: "all",
    ...extra,
  };
}
