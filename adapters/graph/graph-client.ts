import { Agent as HttpsAgent } from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { AuthenticationHandler, Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { Agent } from "undici";
import type { Clock } from "#core/clock.js";
import type { Logger } from "#core/logger.js";
import { createFetchHandler } from "./fetch-handler.js";
import { createGraphRequester, type GraphRequester, type RetryPolicy } from "./graph-requester.js";

export interface GraphClientSettings {
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

interface GraphClientHandle {
  readonly client: Client;
  close(): Promise<void>;
}

export interface GraphConnectionOptions extends GraphClientSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  /** tests only: the default policy is the one documented in README.md */
  readonly retry?: RetryPolicy;
}

/** One credential, one connection pool, one requester: built once per process, shared by every Graph caller. */
export interface GraphConnection {
  readonly requester: GraphRequester;
  /** releases the connection pool */
  close(): Promise<void>;
}

const MICROSOFT_AUTHORITIES = [
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
];

/**
 * The Graph SDK client with a client-secret credential (tokens cached and refreshed by
 * @azure/identity). With `trustedCaPem`, both the token requests and the Graph requests trust
 * that CA in addition to the system ones — for the in-process emulator.
 */
function createGraphClient(settings: GraphClientSettings): GraphClientHandle {
  const authority = new URL(settings.authorityHost);
  const graph = new URL(settings.graphBaseUrl);
  const ca = settings.trustedCaPem;
  const credential = new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
    authorityHost: authority.origin,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITIES.includes(authority.hostname),
    ...(ca === undefined ? {} : { agent: new HttpsAgent({ ca }) }),
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 2000 },
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    // https://graph.microsoft.com/.default in the public cloud; the national clouds' Graph hosts alike
    scopes: [`${graph.origin}/.default`],
  });
  const dispatcher = ca === undefined ? undefined : new Agent({ connect: { ca } });
  const client = Client.initWithMiddleware({
    baseUrl: graph.origin,
    defaultVersion: "v1.0",
    customHosts: new Set([graph.hostname]),
    middleware: [new AuthenticationHandler(authProvider), createFetchHandler(dispatcher)],
  });
  return {
    client,
    close: async () => {
      await dispatcher?.close();
    },
  };
}

/**
 * The process's Graph connection: one ClientSecretCredential (so one token cache) and one
 * requester with the one retry policy. The directory source and the entra engine both take it.
 */
export function connectGraph(options: GraphConnectionOptions): GraphConnection {
  const handle = createGraphClient(options);
  const requester = createGraphRequester({
    client: handle.client,
    clock: options.clock,
    logger: options.logger.child({ adapter: "graph" }),
    scope: { tenantId: options.tenantId, clientId: options.clientId, clientSecret: options.clientSecret },
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  return { requester, close: () => handle.close() };
}
