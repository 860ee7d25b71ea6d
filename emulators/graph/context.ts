import type { IncomingMessage, ServerResponse } from "node:http";
import type { Faults } from "./faults.js";
import type { Prng } from "./prng.js";
import type { GraphStore } from "./store.js";
import type { SynchronizationStore } from "./synchronization-store.js";

interface EmulatorIdentity {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly servicePrincipalId: string;
}

/** What every route family gets: the tenant, the identity, the knobs. */
export interface EmulatorContext {
  readonly store: GraphStore;
  /** the ABM app's provisioning job, secrets and provisioning log */
  readonly synchronization: SynchronizationStore;
  readonly identity: EmulatorIdentity;
  /** draws for faults and seeding */
  readonly prng: Prng;
  /** default (and maximum) page size of users delta; collections allow `$top` up to 999 */
  readonly pageSize: number;
  readonly problemRate: number;
  /** issued access tokens → expiry (epoch ms) */
  readonly tokens: Map<string, number>;
  faults: Faults;
  /** `https://127.0.0.1:<port>`, known once the server listens */
  origin(): string;
  now(): Date;
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * `graph` routes pass fault injection and the bearer-token check; `identity` routes are the
 * authority (OpenID metadata, token endpoint); `control` routes are the `/_emulator/` API.
 */
type RouteKind = "graph" | "identity" | "control";

export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** `/v1.0/users/:id` — `:name` matches one path segment (URL-decoded into params) */
  readonly path: string;
  readonly kind: RouteKind;
  handle(request: RouteRequest): void | Promise<void>;
}

/** A route family is one file exporting a function of this type (see routes/index.ts). */
export type RouteFamily = (context: EmulatorContext) => readonly Route[];
