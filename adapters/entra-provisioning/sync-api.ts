import { z } from "zod";
import {
  explainAssignment,
  findDeletedUser,
  type GraphRequester,
  lookupUser,
  odataString,
  type RequestOptions,
  readAllPages,
  readAssignedScope,
  UserListSchema,
} from "#adapters/graph/index.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { AssignmentPath } from "#core/ports/directory-source.js";
import { err, ok, type Result } from "#core/result.js";
import type { SourceUser } from "#core/users.js";
import { explainNotFound, type NotFoundMeaning } from "./entra-errors.js";
import {
  type Job,
  JobListSchema,
  JobSchema,
  type LogEntry,
  LogPageSchema,
  OnDemandResponseSchema,
  SchemaSchema,
  type Secret,
  SecretsSchema,
} from "./schemas.js";

const SYNC = "Synchronization.ReadWrite.All";
const AUDIT = "AuditLog.Read.All";
/** start, pause, restart and PUT answer 204 No Content */
const NONE = z.unknown();
const OBJECT_ID = /^[0-9a-f-]{36}$/i;

/**
 * The Graph calls of the entra engine, each with the permission and the id a failure points at.
 * Every call goes through the process's one Graph requester (adapters/graph).
 */
export function createSyncApi(http: GraphRequester, servicePrincipalId: string, logger: Logger, logPageSize = 500) {
  const sp = `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization`;
  const job = (id: string) => `${sp}/jobs/${encodeURIComponent(id)}`;

  /** a synchronization call: needs Synchronization.ReadWrite.All; a 404 names the id to fix */
  async function sync<T>(
    what: string,
    send: (options: RequestOptions) => Promise<Result<T, AppError>>,
    notFound: NotFoundMeaning = "service_principal",
  ): Promise<Result<T, AppError>> {
    return explainNotFound(await send({ what, permission: SYNC }), notFound, servicePrincipalId, what);
  }

  return {
    /** the one provisioning job of the ABM app */
    async findJob(): Promise<Result<Job, AppError>> {
      const listed = await sync("list the provisioning jobs of the ABM app", (o) =>
        http.get(`${sp}/jobs`, JobListSchema, o),
      );
      if (!listed.ok) return listed;
      const jobs = listed.value.value;
      if (jobs.length === 1 && jobs[0] !== undefined) return ok(jobs[0]);
      if (jobs.length === 0) {
        return err(
          new AppError(
            "entra.no_job",
            `The Apple Business Manager app (service principal ${servicePrincipalId}) has no provisioning job. In Entra admin center → Enterprise applications → Apple Business Manager → Provisioning, set the mode to Automatic with ABM's Tenant URL and Secret Token, or check ABM_SERVICE_PRINCIPAL_ID.`,
          ),
        );
      }
      return err(
        new AppError(
          "entra.several_jobs",
          `Service principal ${servicePrincipalId} has ${jobs.length} provisioning jobs (${jobs.map((j) => j.id).join(", ")}); the entra engine drives exactly one. Remove the extra jobs or point ABM_SERVICE_PRINCIPAL_ID at the Apple Business Manager app.`,
        ),
      );
    },
    getJob: (id: string) => sync("read the provisioning job", (o) => http.get(job(id), JobSchema, o), "job"),
    start: (id: string) => sync("start the provisioning job", (o) => http.post(`${job(id)}/start`, {}, NONE, o), "job"),
    pause: (id: string) => sync("pause the provisioning job", (o) => http.post(`${job(id)}/pause`, {}, NONE, o), "job"),
    /** `criteria: {}` is what the portal's "Restart provisioning" sends; `ForceDeletes` only releases held deletions */
    restart: (id: string, resetScope: "ForceDeletes" | null) =>
      sync(
        resetScope === null ? "restart the provisioning job" : "allow the held deletions",
        (o) => http.post(`${job(id)}/restart`, { criteria: resetScope === null ? {} : { resetScope } }, NONE, o),
        "job",
      ),
    async secrets(): Promise<Result<Secret[], AppError>> {
      const got = await sync("read the provisioning settings", (o) => http.get(`${sp}/secrets`, SecretsSchema, o));
      return got.ok ? ok(got.value.value.map((s) => ({ key: s.key, value: s.value ?? "" }))) : got;
    },
    async putSecrets(secrets: readonly Secret[]): Promise<Result<void, AppError>> {
      const put = await sync("save the provisioning settings", (o) =>
        http.put(`${sp}/secrets`, { value: secrets }, NONE, o),
      );
      return put.ok ? ok(undefined) : put;
    },
    /** the id of the schema rule that provisions Entra users */
    async userRuleId(id: string): Promise<Result<string, AppError>> {
      const got = await sync(
        "read the provisioning job's schema",
        (o) => http.get(`${job(id)}/schema`, SchemaSchema, o),
        "job",
      );
      if (!got.ok) return got;
      const rule = got.value.synchronizationRules.find((r) =>
        (r.objectMappings ?? []).some((m) => m.sourceObjectName?.toLowerCase() === "user" && m.enabled !== false),
      );
      return rule === undefined
        ? err(
            new AppError(
              "entra.no_user_rule",
              `The job ${id} has no enabled rule that provisions users; check its attribute mappings in Entra.`,
            ),
          )
        : ok(rule.id);
    },
    provisionOnDemand: (id: string, ruleId: string, userId: string) =>
      sync(
        "provision the user on demand",
        (o) =>
          http.post(
            `${job(id)}/provisionOnDemand`,
            { parameters: [{ ruleId, subjects: [{ objectId: userId, objectTypeName: "User" }] }] },
            OnDemandResponseSchema,
            // 5 calls per 10 s per job: a 429 goes straight back to the caller's limiter
            { ...o, retry: false },
          ),
        "job",
      ),
    /** provisioning log entries of the job, newest first, with optional extra clauses */
    logs(jobId: string, clauses: readonly string[], limit: number): Promise<Result<LogEntry[], AppError>> {
      const filter = [`jobId eq ${odataString(jobId)}`, ...clauses].join(" and ");
      return readAllPages(
        http,
        `/auditLogs/provisioning?$filter=${encodeURIComponent(filter)}&$top=${Math.min(logPageSize, limit)}`,
        LogPageSchema,
        { what: "read the provisioning logs", permission: AUDIT },
        limit,
      );
    },
    clause: (property: string, operator: "eq" | "ge" | "gt", value: string | Date) =>
      `${property} ${operator} ${value instanceof Date ? value.toISOString() : odataString(value)}`,
    /** a user by object id, else by userPrincipalName, else by mail; `select` = the flattened paths wanted */
    async user(query: string, select: readonly string[]): Promise<Result<SourceUser | null, AppError>> {
      if (OBJECT_ID.test(query)) return lookupUser(http, { by: "id", value: query }, select);
      for (const by of ["userPrincipalName", "mail"] as const) {
        const found = await lookupUser(http, { by, value: query }, select);
        if (!found.ok || found.value !== null) return found;
      }
      return ok(null);
    },
    /** ids of users assigned to the app directly or as DIRECT members of an assigned group (as Entra scopes them) */
    async assignedUsers(): Promise<Result<ReadonlySet<string>, AppError>> {
      const scope = await readAssignedScope({ requester: http, logger, servicePrincipalId });
      if (!scope.ok) return explainNotFound(scope, "service_principal", servicePrincipalId, "read who is assigned");
      return ok(scope.value.userIds);
    },
    /** `why`: how one user reaches the app's assignments (directly, direct groups, nested groups) */
    async assignmentOf(userId: string): Promise<Result<AssignmentPath, AppError>> {
      const path = await explainAssignment(http, servicePrincipalId, userId);
      return path.ok ? path : explainNotFound(path, "service_principal", servicePrincipalId, "read who is assigned");
    },
    /** `why`: the user in Entra's recycle bin (by object id or mail) */
    deletedUser: (query: string) => findDeletedUser(http, query),
    /** every user id with its UPN (for the scope preview) */
    allUsers: () =>
      readAllPages(http, "/users?$select=id,userPrincipalName&$top=999", UserListSchema, {
        what: "list the users of the tenant",
        permission: "User.Read.All",
      }),
  };
}

export type SyncApi = ReturnType<typeof createSyncApi>;
