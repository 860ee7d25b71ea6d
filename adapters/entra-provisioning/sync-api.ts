import { z } from "zod";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import type { Purpose } from "./entra-errors.js";
import {
  AssignmentPageSchema,
  type Job,
  JobListSchema,
  JobSchema,
  type LogEntry,
  LogPageSchema,
  MemberPageSchema,
  OnDemandResponseSchema,
  SchemaSchema,
  type Secret,
  SecretsSchema,
  UserPageSchema,
  UserSchema,
} from "./schemas.js";
import type { SyncRequester } from "./sync-requester.js";

const SYNC = "Synchronization.ReadWrite.All";
const AUDIT = "AuditLog.Read.All";
const sync = (what: string, notFound: Purpose["notFound"] = "service_principal"): Purpose => ({
  what,
  permission: SYNC,
  notFound,
});
const NONE = z.unknown();
const MAX_PAGES = 200;

function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The Graph calls of the entra engine, each with the permission and the id a failure points at. */
export function createSyncApi(http: SyncRequester, servicePrincipalId: string, logPageSize = 500) {
  const sp = `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization`;
  const job = (id: string) => `${sp}/jobs/${encodeURIComponent(id)}`;

  async function pages<T>(
    first: string,
    schema: z.ZodType<{ value: T[]; "@odata.nextLink"?: string | null | undefined }>,
    purpose: Purpose,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Result<T[], AppError>> {
    const out: T[] = [];
    let next: string | null = first;
    for (let page = 0; next !== null && page < MAX_PAGES && out.length < limit; page++) {
      const got: Result<{ value: T[]; "@odata.nextLink"?: string | null | undefined }, AppError> = await http.get(
        next,
        schema,
        purpose,
      );
      if (!got.ok) return got;
      out.push(...got.value.value);
      next = got.value["@odata.nextLink"] ?? null;
    }
    return ok(out);
  }

  return {
    /** the one provisioning job of the ABM app */
    async findJob(): Promise<Result<Job, AppError>> {
      const listed = await http.get(`${sp}/jobs`, JobListSchema, sync("list the provisioning jobs of the ABM app"));
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
    getJob: (id: string) => http.get(job(id), JobSchema, sync("read the provisioning job", "job")),
    start: (id: string) => http.post(`${job(id)}/start`, {}, NONE, sync("start the provisioning job", "job")),
    pause: (id: string) => http.post(`${job(id)}/pause`, {}, NONE, sync("pause the provisioning job", "job")),
    /** `criteria: {}` is what the portal's "Restart provisioning" sends; `ForceDeletes` only releases held deletions */
    restart: (id: string, resetScope: "ForceDeletes" | null) =>
      http.post(
        `${job(id)}/restart`,
        { criteria: resetScope === null ? {} : { resetScope } },
        NONE,
        sync(resetScope === null ? "restart the provisioning job" : "allow the held deletions", "job"),
      ),
    async secrets(): Promise<Result<Secret[], AppError>> {
      const got = await http.get(`${sp}/secrets`, SecretsSchema, sync("read the provisioning settings"));
      return got.ok ? ok(got.value.value.map((s) => ({ key: s.key, value: s.value ?? "" }))) : got;
    },
    putSecrets: (secrets: readonly Secret[]) =>
      http.put(`${sp}/secrets`, { value: secrets }, sync("save the provisioning settings")),
    /** the id of the schema rule that provisions Entra users */
    async userRuleId(id: string): Promise<Result<string, AppError>> {
      const got = await http.get(`${job(id)}/schema`, SchemaSchema, sync("read the provisioning job's schema", "job"));
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
      http.post(
        `${job(id)}/provisionOnDemand`,
        { parameters: [{ ruleId, subjects: [{ objectId: userId, objectTypeName: "User" }] }] },
        OnDemandResponseSchema,
        sync("provision the user on demand", "job"),
        false,
      ),
    /** provisioning log entries of the job, newest first, with optional extra clauses */
    logs(jobId: string, clauses: readonly string[], limit: number): Promise<Result<LogEntry[], AppError>> {
      const filter = [`jobId eq ${odataString(jobId)}`, ...clauses].join(" and ");
      return pages(
        `/auditLogs/provisioning?$filter=${encodeURIComponent(filter)}&$top=${Math.min(logPageSize, limit)}`,
        LogPageSchema,
        { what: "read the provisioning logs", permission: AUDIT, notFound: "other" },
        limit,
      );
    },
    clause: (property: string, operator: "eq" | "ge" | "gt", value: string | Date) =>
      `${property} ${operator} ${value instanceof Date ? value.toISOString() : odataString(value)}`,
    async user(
      query: string,
      select: readonly string[],
    ): Promise<Result<(Record<string, unknown> & { id: string }) | null, AppError>> {
      const purpose: Purpose = { what: `look up ${query} in Entra`, permission: "User.Read.All", notFound: "user" };
      const $select = `$select=${select.join(",")}`;
      if (/^[0-9a-f-]{36}$/i.test(query)) {
        const got = await http.get(`/users/${encodeURIComponent(query)}?${$select}`, UserSchema, purpose);
        if (!got.ok) return got.error.code === "entra.user_not_found" ? ok(null) : got;
        return ok(got.value);
      }
      for (const property of ["userPrincipalName", "mail"]) {
        const filter = encodeURIComponent(`${property} eq ${odataString(query)}`);
        const got = await http.get(`/users?$filter=${filter}&${$select}`, UserPageSchema, purpose);
        if (!got.ok) return got;
        if (got.value.value.length > 1) {
          return err(
            new AppError(
              "entra.ambiguous_user",
              `More than one Entra user has ${property} ${query}; use the object id.`,
            ),
          );
        }
        const [found] = got.value.value;
        if (found !== undefined) return ok(found);
      }
      return ok(null);
    },
    /** ids of users assigned to the app directly or as DIRECT members of an assigned group (as Entra scopes them) */
    async assignedUsers(): Promise<Result<Set<string>, AppError>> {
      const purpose: Purpose = {
        what: "read who is assigned to the ABM app",
        permission: "Application.Read.All",
        notFound: "service_principal",
      };
      const assignments = await pages(
        `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo?$top=999`,
        AssignmentPageSchema,
        purpose,
      );
      if (!assignments.ok) return assignments;
      const ids = new Set<string>();
      for (const a of assignments.value) {
        if (a.principalType !== "Group") {
          ids.add(a.principalId);
          continue;
        }
        const members = await pages(
          `/groups/${encodeURIComponent(a.principalId)}/members?$select=id&$top=999`,
          MemberPageSchema,
          {
            what: "read the members of a group assigned to the ABM app",
            permission: "GroupMember.Read.All",
            notFound: "other",
          },
        );
        if (!members.ok) return members;
        for (const m of members.value)
          if ((m["@odata.type"] ?? "#microsoft.graph.user") === "#microsoft.graph.user") ids.add(m.id);
      }
      return ok(ids);
    },
    /** every user id with its UPN (for the scope preview) */
    allUsers: () =>
      pages(`/users?$select=id,userPrincipalName&$top=999`, UserPageSchema, {
        what: "list the users of the tenant",
        permission: "User.Read.All",
        notFound: "other",
      }),
  };
}

export type SyncApi = ReturnType<typeof createSyncApi>;
