import { Agent as HttpsAgent } from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { AuthenticationHandler, Client, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { Agent, type Dispatcher, fetch as undiciFetch } from "undici";

export interface EntraGraphSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** e.g. https://login.microsoftonline.com */
  readonly authorityHost: string;
  /** e.g. https://graph.microsoft.com (no version) */
  readonly graphBaseUrl: string;
  /** an extra CA to trust (the emulator's self-signed certificate); omit in real deployments */
  readonly trustedCaPem?: string;
}

const MICROSOFT_AUTHORITIES = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
]);

/** Sends the SDK's request with undici's fetch (through `dispatcher` when an extra CA is trusted). */
function fetchHandler(dispatcher: Dispatcher | undefined): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      if (typeof context.request !== "string") throw new TypeError("the Graph fetch handler sends URL strings only");
      const options = context.options ?? {};
      const body = options.body;
      if (body !== undefined && body !== null && typeof body !== "string") {
        throw new TypeError("the Graph fetch handler sends string bodies only");
      }
      const headers: Record<string, string> = {};
      new Headers(options.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const response = await undiciFetch(context.request, {
        method: options.method ?? "GET",
        headers,
        ...(typeof body === "string" ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
      context.response = response as unknown as Response;
    },
  };
}

/**
 * The Graph SDK client for the entra engine: client-secret credential (tokens cached by
 * @azure/identity), and with `trustedCaPem` one extra trusted CA for both the authority and Graph.
 * (The same pattern as the Graph directory source; adapters do not import each other.)
 */
export function createEntraGraphClient(settings: EntraGraphSettings): { client: Client; close(): Promise<void> } {
  const authority = new URL(settings.authorityHost);
  const graph = new URL(settings.graphBaseUrl);
  const ca = settings.trustedCaPem;
  const credential = new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
    authorityHost: authority.origin,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITIES.has(authority.hostname),
    ...(ca === undefined ? {} : { agent: new HttpsAgent({ ca }) }),
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 2000 },
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [`${graph.origin}/.default`] });
  const dispatcher = ca === undefined ? undefined : new Agent({ connect: { ca } });
  const client = Client.initWithMiddleware({
    baseUrl: graph.origin,
    defaultVersion: "v1.0",
    customHosts: new Set([graph.hostname]),
    middleware: [new AuthenticationHandler(authProvider), fetchHandler(dispatcher)],
  });
  return {
    client,
    close: async () => {
      await dispatcher?.close();
    },
  };
}
