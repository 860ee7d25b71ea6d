import { type Clock, systemClock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import { type Logger, silentLogger } from "#core/logger.js";
import type { ScimClientStatus, ScimTarget } from "#core/ports/scim-target.js";
import { err, ok, type Result } from "#core/result.js";
import type { ScimUser, TargetChanges, TargetUser } from "#core/users.js";
import type { ScimAuthProvider } from "./auth.js";
import { createConcurrencyController } from "./concurrency-controller.js";
import { eqFilter } from "./filter.js";
import { createFetchTransport, createNodeHttpTransport, type HttpTransport } from "./http-transport.js";
import { createLimiter } from "./limiter.js";
import { fromScimResource, toPatchBody, toPatchOperations, toScimResource } from "./mapping.js";
import { createScimRequester, parseBody, type RetryPolicy } from "./scim-requester.js";
import { listResponseWire, scimUserWire } from "./scim-wire.js";

export interface AbmScimTargetOptions {
  /** SCIM root, e.g. https://federation.apple.com/feeds/business/scim */
  readonly baseUrl: string;
  readonly auth: ScimAuthProvider;
  /**
   * requests in flight at once at most (SYNC_CONCURRENCY); default 8. The client starts there,
   * lowers it on 429 and 5xx, paces itself after a 429 and grows back slowly (concurrency-controller.ts).
   */
  readonly concurrency?: number;
  /** per HTTP request; default 30 000 */
  readonly requestTimeoutMs?: number;
  /** defaults: 5 attempts, 120 s deadline, 500 ms base delay, 30 s max delay */
  readonly retry?: Partial<RetryPolicy>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** jitter source in [0, 1); default Math.random */
  readonly random?: () => number;
  /** "node-http" (default, keep-alive agents) or "fetch" (Node's global fetch) */
  readonly transport?: "node-http" | "fetch";
}

/** A ScimTarget that also owns keep-alive sockets: call close() when done. */
export interface AbmScimTarget extends ScimTarget {
  /** the adaptive concurrency limit, the pace and the 429/5xx counts right now */
  status(): ScimClientStatus;
  close(): void;
}

const USER_INFO = (operation: string, method: string) => ({ operation, method });

export function createAbmScimTarget(options: AbmScimTargetOptions): AbmScimTarget {
  const concurrency = options.concurrency ?? 8;
  const transport: HttpTransport =
    options.transport === "fetch" ? createFetchTransport() : createNodeHttpTransport({ maxSockets: concurrency });
  const clock = options.clock ?? systemClock;
  const limiter = createLimiter(createConcurrencyController({ max: concurrency }), clock);
  const requester = createScimRequester({
    baseUrl: options.baseUrl,
    auth: options.auth,
    transport,
    limiter,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    retry: { maxAttempts: 5, deadlineMs: 120_000, baseDelayMs: 500, maxDelayMs: 30_000, ...options.retry },
    clock,
    logger: (options.logger ?? silentLogger).child({ adapter: "abm-scim" }),
    random: options.random ?? Math.random,
  });

  const userPath = (id: string): string => `/Users/${encodeURIComponent(id)}`;

  /** One search by filter, no retries (callers decide); returns the matching users. */
  async function searchOnce(
    operation: string,
    attribute: "userName" | "externalId",
    value: string,
    deadline: number,
  ): Promise<Result<ScimUser[], AppError>> {
    const info = USER_INFO(operation, "GET");
    const response = await requester.once(
      { ...info, path: "/Users", query: `filter=${encodeURIComponent(eqFilter(attribute, value))}` },
      deadline,
    );
    if (!response.ok) return response;
    const list = parseBody(info, response.value, listResponseWire);
    if (!list.ok) return list;
    const users: ScimUser[] = [];
    for (const resource of list.value.Resources ?? []) {
      const user = scimUserWire.safeParse(resource);
      if (!user.success)
        return err(
          new AppError("scim.protocol", `ABM's answer to ${operation} held a user that is not valid SCIM.`, {
            context: info,
          }),
        );
      users.push(fromScimResource(user.data));
    }
    // Never trust the server to have applied the filter: keep exact matches only.
    return ok(
      users.filter((u) =>
        attribute === "externalId" ? u.externalId === value : u.userName.toLowerCase() === value.toLowerCase(),
      ),
    );
  }

  function single(operation: string, users: ScimUser[], key: string): Result<ScimUser | null, AppError> {
    if (users.length <= 1) return ok(users[0] ?? null);
    return err(
      new AppError(
        "scim.conflict",
        `ABM holds ${users.length} users with the same ${key}; resolve the duplicates in ABM.`,
        {
          context: { operation, duplicates: users.length, ids: users.map((u) => u.id).join(",") },
        },
      ),
    );
  }

  function find(
    operation: string,
    attribute: "userName" | "externalId",
    value: string,
  ): Promise<Result<ScimUser | null, AppError>> {
    return requester.withRetries(USER_INFO(operation, "GET"), undefined, async (deadline) => {
      const found = await searchOnce(operation, attribute, value, deadline);
      return found.ok ? single(operation, found.value, attribute) : found;
    });
  }

  async function create(user: TargetUser): Promise<Result<ScimUser, AppError>> {
    const info = USER_INFO("create", "POST");
    const body = toScimResource(user);
    // Set once a POST may have reached the server without us hearing the answer.
    let mayExist = false;
    const lookUp = async (deadline: number): Promise<Result<ScimUser | null, AppError>> => {
      const byExternal = user.externalId !== null;
      const found = await searchOnce(
        info.operation,
        byExternal ? "externalId" : "userName",
        byExternal ? (user.externalId as string) : user.userName,
        deadline,
      );
      if (!found.ok) return found;
      const mine = found.value.filter(
        (u) => u.userName.toLowerCase() === user.userName.toLowerCase() && u.externalId === user.externalId,
      );
      return single(info.operation, mine, byExternal ? "externalId" : "userName");
    };
    return requester.withRetries(info, undefined, async (deadline) => {
      if (mayExist) {
        const existing = await lookUp(deadline);
        if (!existing.ok || existing.value !== null) return existing as Result<ScimUser, AppError>;
      }
      const response = await requester.once({ ...info, path: "/Users", body }, deadline);
      if (!response.ok) {
        if (response.error.code === "scim.transient") mayExist = true;
        if (response.error.code === "scim.conflict" && mayExist) {
          // our earlier, unanswered POST may be the account we now conflict with
          const existing = await lookUp(deadline);
          if (existing.ok && existing.value !== null) return ok(existing.value);
        }
        return response;
      }
      const parsed = parseBody(info, response.value, scimUserWire);
      return parsed.ok ? ok(fromScimResource(parsed.value)) : parsed;
    });
  }

  async function get(id: string): Promise<Result<ScimUser | null, AppError>> {
    const info = USER_INFO("get", "GET");
    const response = await requester.send({ ...info, path: userPath(id) });
    if (!response.ok) return response.error.code === "scim.not_found" ? ok(null) : response;
    const parsed = parseBody(info, response.value, scimUserWire);
    return parsed.ok ? ok(fromScimResource(parsed.value)) : parsed;
  }

  async function patch(id: string, changes: TargetChanges): Promise<Result<ScimUser | null, AppError>> {
    const info = USER_INFO("patch", "PATCH");
    const ops = toPatchOperations(changes);
    if (ops.length === 0) return get(id);
    // replace/remove operations are idempotent, so a plain retry is safe
    const response = await requester.send({ ...info, path: userPath(id), body: toPatchBody(ops) });
    if (!response.ok) return response;
    if (response.value.status === 204 || response.value.body.trim() === "") return ok(null);
    const parsed = parseBody(info, response.value, scimUserWire);
    return parsed.ok ? ok(fromScimResource(parsed.value)) : parsed;
  }

  async function remove(id: string): Promise<Result<void, AppError>> {
    const info = USER_INFO("delete", "DELETE");
    let mayBeGone = false;
    return requester.withRetries(info, undefined, async (deadline) => {
      const response = await requester.once({ ...info, path: userPath(id) }, deadline);
      if (response.ok) return ok(undefined);
      if (response.error.code === "scim.not_found" && mayBeGone) return ok(undefined);
      if (response.error.code === "scim.transient") mayBeGone = true;
      return response;
    });
  }

  async function* list(listOptions?: {
    readonly pageSize?: number;
    readonly signal?: AbortSignal;
  }): AsyncGenerator<Result<readonly ScimUser[], AppError>> {
    const info = USER_INFO("list", "GET");
    const pageSize = listOptions?.pageSize ?? 100;
    const signal = listOptions?.signal;
    const seen = new Set<string>();
    let startIndex = 1;
    for (;;) {
      if (signal?.aborted) {
        yield err(
          new AppError("scim.aborted", "Listing ABM users was cancelled.", {
            context: { operation: "list", startIndex },
          }),
        );
        return;
      }
      const response = await requester.send({
        ...info,
        path: "/Users",
        query: `startIndex=${startIndex}&count=${pageSize}`,
        signal,
      });
      if (!response.ok) {
        yield response;
        return;
      }
      const page = parseBody(info, response.value, listResponseWire);
      if (!page.ok) {
        yield page;
        return;
      }
      const resources = page.value.Resources ?? [];
      const users: ScimUser[] = [];
      for (const resource of resources) {
        const parsed = scimUserWire.safeParse(resource);
        if (!parsed.success) {
          yield err(
            new AppError("scim.protocol", "ABM's user listing held a user that is not valid SCIM.", {
              context: { operation: "list", startIndex },
            }),
          );
          return;
        }
        // a user created or deleted between pages shifts the indexes; never yield one twice
        if (seen.has(parsed.data.id)) continue;
        seen.add(parsed.data.id);
        users.push(fromScimResource(parsed.data));
      }
      if (users.length > 0) yield ok(users);
      startIndex += resources.length;
      if (resources.length === 0 || startIndex > page.value.totalResults) return;
    }
  }

  return {
    create,
    get,
    findByExternalId: (externalId) => find("findByExternalId", "externalId", externalId),
    findByUserName: (userName) => find("findByUserName", "userName", userName),
    list,
    patch,
    deactivate: async (id) => {
      const result = await patch(id, { active: false });
      return result.ok ? ok(undefined) : result;
    },
    delete: remove,
    status: () => limiter.status(),
    close: () => transport.close(),
  };
}
