import type { z } from "zod";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { AppleAuditEvent, AppleAuditLog, AppleDirectory, AppleUser } from "#core/ports/apple-directory.js";
import { err, ok, type Result } from "#core/result.js";
import { printable, truncate } from "#core/sync/text-safety.js";
import { readApplePrivateKey } from "./private-key.js";
import { createTokenSource, type TokenSource } from "./token-source.js";
import {
  type AuditEventResource,
  auditEventResource,
  linkage,
  pageOf,
  singleUser,
  type UserGroupResource,
  type UserResource,
  userGroupResource,
  userResource,
} from "./wire.js";

/** The API allows pages of up to 1000; rate limits are tight (~20 GETs a minute), so always ask for the most. */
const PAGE_LIMIT = 1000;
/** 429s waited out per request before giving up with `apple.rate_limited` */
const MAX_RATE_LIMIT_RETRIES = 3;
/** 5xx and network failures retried per request */
const MAX_TRANSIENT_RETRIES = 2;
/** a Retry-After longer than this is not waited for: the error carries it instead */
const MAX_RETRY_WAIT_MS = 120_000;
const DEFAULT_RETRY_AFTER_MS = 60_000;

export interface AppleBusinessClientOptions {
  readonly clientId: string;
  readonly keyId: string;
  /** path of the PEM file (never logged beyond its path) */
  readonly privateKeyPath: string;
  readonly apiUrl: string;
  readonly tokenUrl: string;
  /** `business.api` (default) or `school.api` */
  readonly scope?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

export interface AppleBusinessClient extends AppleDirectory, AppleAuditLog {
  getUser(id: string, signal?: AbortSignal): Promise<Result<UserResource, AppError>>;
  listUserGroups(signal?: AbortSignal): Promise<Result<readonly UserGroupResource[], AppError>>;
  listGroupUserIds(groupId: string, signal?: AbortSignal): Promise<Result<readonly string[], AppError>>;
  /** requests sent to the API since the client was made (tokens not counted) */
  requestCount(): number;
}

/**
 * The Apple Business API (read-only users, user groups, audit events). Reads the private key once
 * and refuses a bad one before any request; one token cache; every response zod-parsed; 429 waited
 * out for as long as Apple says (bounded), 5xx retried twice, 401 answered with one fresh token.
 */
export function createAppleBusinessClient(options: AppleBusinessClientOptions): Result<AppleBusinessClient, AppError> {
  const key = readApplePrivateKey(options.privateKeyPath);
  if (!key.ok) return err(key.error);
  const doFetch = options.fetch ?? fetch;
  const tokens = createTokenSource({
    clientId: options.clientId,
    keyId: options.keyId,
    key: key.value,
    tokenUrl: options.tokenUrl,
    scope: options.scope ?? "business.api",
    clock: options.clock,
    fetch: doFetch,
  });
  const base = options.apiUrl.replace(/\/+$/, "");
  let requests = 0;

  async function get<T extends z.ZodType>(
    path: string,
    query: Readonly<Record<string, string>>,
    schema: T,
    signal?: AbortSignal,
  ): Promise<Result<z.output<T>, AppError>> {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const answer = await send(url, tokens, signal, 0, 0, false);
    if (!answer.ok) return answer;
    const parsed = schema.safeParse(answer.value);
    if (!parsed.success) {
      options.logger.warn(
        { path, issues: parsed.error.issues.length },
        "Apple Business API answer has an unexpected shape",
      );
      return err(new AppError("apple.protocol", `The Apple Business API answered ${path} in an unexpected shape.`));
    }
    return ok(parsed.data);
  }

  async function send(
    url: URL,
    source: TokenSource,
    signal: AbortSignal | undefined,
    rateLimited: number,
    transient: number,
    refreshed: boolean,
  ): Promise<Result<unknown, AppError>> {
    const token = await source.token(signal);
    if (!token.ok) return token;
    requests += 1;
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${token.value}`, accept: "application/json" },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) return err(new AppError("apple.transient", "The request was cancelled.", { cause: error }));
      if (transient < MAX_TRANSIENT_RETRIES) {
        await options.clock.sleep(500 * 2 ** transient, signal);
        return send(url, source, signal, rateLimited, transient + 1, refreshed);
      }
      return err(
        new AppError("apple.transient", `The Apple Business API did not answer ${url.pathname}.`, { cause: error }),
      );
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return ok(JSON.parse(text));
      } catch {
        return err(
          new AppError("apple.protocol", `The Apple Business API answered ${url.pathname} with invalid JSON.`),
        );
      }
    }
    if (response.status === 401 && !refreshed) {
      source.invalidate();
      return send(url, source, signal, rateLimited, transient, true);
    }
    if (response.status === 401)
      return err(new AppError("apple.auth", "The Apple Business API refused a fresh access token (401)."));
    if (response.status === 403)
      return err(new AppError("apple.forbidden", `The API account may not read ${url.pathname} (403).`));
    if (response.status === 404)
      return err(new AppError("apple.not_found", `The Apple Business API does not know ${url.pathname}.`));
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers.get("retry-after"), options.clock.now());
      if (rateLimited < MAX_RATE_LIMIT_RETRIES && waitMs <= MAX_RETRY_WAIT_MS) {
        options.logger.info({ path: url.pathname, waitMs }, "Apple Business API rate limit: waiting as asked");
        await options.clock.sleep(waitMs, signal);
        return send(url, source, signal, rateLimited + 1, transient, refreshed);
      }
      return err(
        new AppError("apple.rate_limited", `The Apple Business API still asks to wait ${Math.ceil(waitMs / 1000)} s.`, {
          retryAfterMs: waitMs,
        }),
      );
    }
    if (response.status >= 500 && transient < MAX_TRANSIENT_RETRIES) {
      await options.clock.sleep(500 * 2 ** transient, signal);
      return send(url, source, signal, rateLimited, transient + 1, refreshed);
    }
    return err(
      new AppError(
        response.status >= 500 ? "apple.transient" : "apple.protocol",
        `The Apple Business API answered ${url.pathname} with HTTP ${response.status}.`,
      ),
    );
  }

  async function all<T extends z.ZodType>(
    path: string,
    query: Readonly<Record<string, string>>,
    item: T,
    signal?: AbortSignal,
  ): Promise<Result<z.output<T>[], AppError>> {
    const items: z.output<T>[] = [];
    let cursor: string | null = null;
    do {
      const page: Result<{ items: z.output<T>[]; next: string | null }, AppError> = await get(
        path,
        { ...query, limit: String(PAGE_LIMIT), ...(cursor === null ? {} : { cursor }) },
        pageOf(item),
        signal,
      );
      if (!page.ok) return page;
      items.push(...page.value.items);
      cursor = page.value.next;
    } while (cursor !== null);
    return ok(items);
  }

  return ok({
    async listUsers(signal) {
      const users = await all("/users", {}, userResource, signal);
      return users.ok ? ok(users.value.map(toAppleUser)) : users;
    },
    async getUser(id, signal) {
      const one = await get(`/users/${encodeURIComponent(id)}`, {}, singleUser, signal);
      return one.ok ? ok(one.value.data) : one;
    },
    listUserGroups: (signal) => all("/userGroups", {}, userGroupResource, signal),
    async listGroupUserIds(groupId, signal) {
      const ids = await all(`/userGroups/${encodeURIComponent(groupId)}/relationships/users`, {}, linkage, signal);
      return ids.ok ? ok(ids.value.map((entry) => entry.id)) : ids;
    },
    async listAuditEvents(query, signal) {
      const events = await all(
        "/auditEvents",
        {
          "filter[startTimestamp]": query.start.toISOString(),
          ...(query.end === undefined ? {} : { "filter[endTimestamp]": query.end.toISOString() }),
          ...(query.actorId === undefined ? {} : { "filter[actorId]": query.actorId }),
          ...(query.subjectId === undefined ? {} : { "filter[subjectId]": query.subjectId }),
          ...(query.type === undefined ? {} : { "filter[type]": query.type }),
        },
        auditEventResource,
        signal,
      );
      if (!events.ok) return events;
      const parsed: AppleAuditEvent[] = [];
      for (const event of events.value) {
        const at = Date.parse(event.attributes.eventDateTime);
        if (Number.isNaN(at))
          return err(new AppError("apple.protocol", `The audit event ${event.id} has no readable eventDateTime.`));
        parsed.push(toAuditEvent(event, new Date(at)));
      }
      return ok(parsed.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id)));
    },
    requestCount: () => requests,
  });
}

/** `Retry-After` in seconds or as an HTTP date; a minute when Apple gives none. */
function retryAfterMs(header: string | null, now: Date): number {
  if (header === null) return DEFAULT_RETRY_AFTER_MS;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - now.getTime());
}

function toAppleUser(resource: UserResource): AppleUser {
  const a = resource.attributes;
  return {
    id: resource.id,
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    status: a.status,
    managedAppleAccount: a.managedAppleAccount ?? null,
    email: a.email ?? null,
    isExternalUser: a.isExternalUser ?? false,
    roles: (a.roleOuList ?? []).map((entry) => entry.roleName),
    employeeNumber: a.employeeNumber ?? null,
    department: a.department ?? null,
    costCenter: a.costCenter ?? null,
    division: a.division ?? null,
  };
}

/** Apple's texts as this service keeps them: unsafe characters spelled out ([U+0000]; Postgres refuses them in jsonb), 1,000 characters at most. */
function safe(value: string): string {
  return truncate(printable(value), 1_000);
}

function safeOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : safe(value);
}

function toAuditEvent(resource: AuditEventResource, at: Date): AppleAuditEvent {
  const a = resource.attributes;
  return {
    id: safe(resource.id),
    at,
    type: safe(a.type),
    actorType: safe(a.actorType),
    actorName: safeOrNull(a.actorName),
    subjectType: safeOrNull(a.subjectType),
    subjectName: safeOrNull(a.subjectName),
    outcome: safe(a.outcome),
  };
}
