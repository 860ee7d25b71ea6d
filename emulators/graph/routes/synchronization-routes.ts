import { z } from "zod";
import { parseWith, readJson, sendEmpty } from "../../http-json.js";
import type { EmulatorContext, Route, RouteFamily, RouteRequest } from "../context.js";
import { sendGraphError, sendGraphJson } from "../http.js";
import {
  type JobRecord,
  jobJson,
  SCIM_USER,
  type SynchronizationStore,
  USER_RULE_ID,
} from "../synchronization-store.js";

const SYNC_PERMISSION = "Synchronization.ReadWrite.All";
const SP = "/v1.0/servicePrincipals/:id/synchronization";
const ON_DEMAND_LIMIT = 5;
const ON_DEMAND_WINDOW_MS = 10_000;

const RestartBody = z.object({ criteria: z.object({ resetScope: z.string().optional() }).optional() });
const SecretsBody = z.object({ value: z.array(z.object({ key: z.string().min(1), value: z.string() })) });
const OnDemandBody = z.object({
  parameters: z
    .array(
      z.object({
        ruleId: z.string(),
        subjects: z.array(z.object({ objectId: z.string(), objectTypeName: z.string() })).min(1),
      }),
    )
    .min(1),
});

/** 403 when the permission was "revoked" through the control API; 404 for another service principal. */
export function allowed(context: EmulatorContext, request: RouteRequest, permission: string): boolean {
  if (context.synchronization.denied.has(permission)) {
    sendGraphError(
      request.res,
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
    return false;
  }
  const id = request.params.id;
  if (id !== undefined && id !== context.identity.servicePrincipalId) {
    sendGraphError(
      request.res,
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
    return false;
  }
  return true;
}

function jobOf(context: EmulatorContext, request: RouteRequest): JobRecord | null {
  if (!allowed(context, request, SYNC_PERMISSION)) return null;
  const job = context.synchronization.jobs.get(request.params.jobId ?? "");
  if (job === undefined) {
    sendGraphError(
      request.res,
      404,
      "NotFound",
      `The synchronization job '${request.params.jobId ?? ""}' was not found.`,
    );
    return null;
  }
  return job;
}

function jobAction(
  context: EmulatorContext,
  action: string,
  run: (store: SynchronizationStore, job: JobRecord, body: unknown) => void,
): Route {
  return {
    method: "POST",
    path: `${SP}/jobs/:jobId/${action}`,
    kind: "graph",
    async handle(request) {
      const job = jobOf(context, request);
      if (job === null) return;
      const body = await readJson(request.req);
      context.synchronization.requests.push({ method: "POST", path: request.url.pathname, body });
      run(context.synchronization, job, body);
      sendEmpty(request.res);
    },
  };
}

function schemaJson(job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    version: "Date:2024-05-01T00:00:00Z~###~Microsoft.Identity.Sync.Common",
    synchronizationRules: [
      {
        id: USER_RULE_ID,
        name: "USER_OUTBOUND_RULE",
        editable: true,
        sourceDirectoryName: "Azure Active Directory",
        targetDirectoryName: "Apple Business Manager",
        objectMappings: [
          {
            enabled: true,
            flowTypes: "Add, Update, Delete",
            name: "Provision Microsoft Entra ID Users",
            sourceObjectName: "User",
            targetObjectName: SCIM_USER,
            attributeMappings: [],
          },
        ],
      },
    ],
    directories: [],
  };
}

/** `/servicePrincipals/{id}/synchronization/...`: jobs, job actions, schema, secrets, provisionOnDemand. */
export const synchronizationRoutes: RouteFamily = (context) => [
  {
    method: "GET",
    path: `${SP}/jobs`,
    kind: "graph",
    handle(request) {
      if (!allowed(context, request, SYNC_PERMISSION)) return;
      sendGraphJson(request.res, 200, {
        "@odata.context": `${context.origin()}/v1.0/$metadata#servicePrincipals('${request.params.id}')/synchronization/jobs`,
        value: [...context.synchronization.jobs.values()].map(jobJson),
      });
    },
  },
  {
    method: "GET",
    path: `${SP}/jobs/:jobId`,
    kind: "graph",
    handle(request) {
      const job = jobOf(context, request);
      if (job !== null) sendGraphJson(request.res, 200, jobJson(job));
    },
  },
  {
    method: "GET",
    path: `${SP}/jobs/:jobId/schema`,
    kind: "graph",
    handle(request) {
      const job = jobOf(context, request);
      if (job !== null) sendGraphJson(request.res, 200, schemaJson(job));
    },
  },
  jobAction(context, "start", (store, job) => store.start(job)),
  jobAction(context, "pause", (store, job) => store.pause(job)),
  jobAction(context, "restart", (store, job, body) => {
    store.restart(job, parseWith(RestartBody, body).criteria?.resetScope ?? null);
  }),
  {
    method: "POST",
    path: `${SP}/jobs/:jobId/provisionOnDemand`,
    kind: "graph",
    async handle(request) {
      const job = jobOf(context, request);
      if (job === null) return;
      const now = context.now().getTime();
      const recent = (context.synchronization.onDemandCalls.get(job.id) ?? []).filter(
        (t) => t > now - ON_DEMAND_WINDOW_MS,
      );
      if (recent.length >= ON_DEMAND_LIMIT) {
        const wait = Math.max(1, Math.ceil(((recent[0] ?? now) + ON_DEMAND_WINDOW_MS - now) / 1000));
        sendGraphError(request.res, 429, "TooManyRequests", "Too many requests. Please try again later.", {
          "retry-after": String(wait),
        });
        return;
      }
      recent.push(now);
      context.synchronization.onDemandCalls.set(job.id, recent);
      const body = parseWith(OnDemandBody, await readJson(request.req));
      context.synchronization.requests.push({ method: "POST", path: request.url.pathname, body });
      const [parameter] = body.parameters;
      if (parameter?.ruleId !== USER_RULE_ID) {
        sendGraphError(
          request.res,
          400,
          "BadRequest",
          `The synchronization rule '${parameter?.ruleId}' was not found.`,
        );
        return;
      }
      const subject = parameter.subjects[0]?.objectId ?? "";
      sendGraphJson(request.res, 200, onDemandResult(context, job, subject));
    },
  },
  {
    method: "GET",
    path: `${SP}/secrets`,
    kind: "graph",
    handle(request) {
      if (!allowed(context, request, SYNC_PERMISSION)) return;
      sendGraphJson(request.res, 200, {
        "@odata.context": `${context.origin()}/v1.0/$metadata#servicePrincipals('${request.params.id}')/synchronization/secrets`,
        value: context.synchronization.secrets,
      });
    },
  },
  {
    method: "PUT",
    path: `${SP}/secrets`,
    kind: "graph",
    async handle(request) {
      if (!allowed(context, request, SYNC_PERMISSION)) return;
      const body = parseWith(SecretsBody, await readJson(request.req));
      context.synchronization.requests.push({ method: "PUT", path: request.url.pathname, body });
      // PUT replaces the whole list, exactly like Graph: keys left out are gone
      context.synchronization.secrets = body.value;
      sendEmpty(request.res);
    },
  },
  ...controlRoutes(context),
];

const QuarantineBody = z.object({
  reason: z.string().min(1).default("TooManyDeletes"),
  deletions: z.number().int().min(0).max(1_000_000).default(0),
});
const LogsBody = z.object({
  entries: z
    .array(
      z.object({
        userId: z.string().min(1),
        userPrincipalName: z.string().optional(),
        status: z.enum(["success", "failure", "skipped", "warning"]).optional(),
        action: z.enum(["Create", "Update", "Delete", "Disable", "Other"]).optional(),
        errorCode: z.string().optional(),
        reason: z.string().optional(),
        activityDateTime: z.string().optional(),
      }),
    )
    .max(10_000),
});
const DenyBody = z.object({ permissions: z.array(z.string()) });

function controlJob(context: EmulatorContext, request: RouteRequest): JobRecord | null {
  const job = [...context.synchronization.jobs.values()][0];
  if (job === undefined) sendGraphJson(request.res, 404, { error: "no synchronization job" });
  return job ?? null;
}

/** `/_emulator/synchronization/...`: drive the job's state machine and the provisioning log. */
function controlRoutes(context: EmulatorContext): Route[] {
  const sync = context.synchronization;
  return [
    {
      method: "POST",
      path: "/_emulator/synchronization/cycle",
      kind: "control",
      handle(request) {
        const job = controlJob(context, request);
        if (job === null) return;
        sync.runCycle(job);
        sendGraphJson(request.res, 200, jobJson(job));
      },
    },
    {
      method: "POST",
      path: "/_emulator/synchronization/quarantine",
      kind: "control",
      async handle(request) {
        const body = parseWith(QuarantineBody, await readJson(request.req));
        const job = controlJob(context, request);
        if (job === null) return;
        sync.quarantine(job, body.reason, body.deletions);
        sendGraphJson(request.res, 200, jobJson(job));
      },
    },
    {
      method: "POST",
      path: "/_emulator/synchronization/provisioning-logs",
      kind: "control",
      async handle(request) {
        const body = parseWith(LogsBody, await readJson(request.req));
        const added = body.entries.map((entry) => sync.addLog(entry));
        sendGraphJson(request.res, 201, { ids: added.map((e) => e.id) });
      },
    },
    {
      method: "POST",
      path: "/_emulator/synchronization/deny",
      kind: "control",
      async handle(request) {
        const body = parseWith(DenyBody, await readJson(request.req));
        sync.denied.clear();
        for (const permission of body.permissions) sync.denied.add(permission);
        sendGraphJson(request.res, 200, { denied: [...sync.denied] });
      },
    },
    {
      method: "GET",
      path: "/_emulator/synchronization/state",
      kind: "control",
      handle(request) {
        sendGraphJson(request.res, 200, {
          jobs: [...sync.jobs.values()].map(jobJson),
          secretKeys: sync.secrets.map((s) => s.key),
          syncAll: sync.syncAll(),
          threshold: sync.threshold(),
          requests: sync.requests.map((r) => ({ method: r.method, path: r.path })),
          logs: sync.logs.length,
        });
      },
    },
  ];
}

function inScope(context: EmulatorContext, userId: string): boolean {
  const { store, synchronization } = context;
  if (synchronization.syncAll()) return true;
  if (store.assignments.has(userId)) return true;
  return [...store.assignments.values()].some(
    (a) => a.principalType === "Group" && store.groups.get(a.principalId)?.members.has(userId),
  );
}

/** What provisionOnDemand answers: `key` and `value` are JSON strings, as in Graph. */
function onDemandResult(context: EmulatorContext, job: JobRecord, userId: string): Record<string, string> {
  const at = context.now().toISOString();
  const record = context.store.users.get(userId);
  const user = record?.state === "active" ? record.user : null;
  const upn = typeof user?.userPrincipalName === "string" ? user.userPrincipalName : userId;
  const steps: Record<string, unknown>[] = [];
  const step = (name: string, type: string, status: string, description: string, details: object = {}) =>
    steps.push({ name, type, status, description, timestamp: at, details });
  let result: "Success" | "Failure" | "Skipped";
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  if (user === null) {
    step("EntryImport", "Import", "Failure", `User '${userId}' was not found in Azure Active Directory`);
    result = "Failure";
    errorCode = "EntryNotFound";
    errorMessage = "The object does not exist in the source system.";
  } else {
    step("EntryImport", "Import", "Success", `Retrieved User '${upn}' from Azure Active Directory`, {
      objectId: user.id,
      userPrincipalName: upn,
      accountEnabled: String(user.accountEnabled ?? true),
    });
    const scoped = inScope(context, user.id);
    step(
      "EntrySynchronizationScoping",
      "Scoping",
      scoped ? "Success" : "Skipped",
      scoped
        ? "Determine if User in scope by evaluating against each scoping filter"
        : "User is not assigned to the application",
      { Assigned: String(scoped), IsEffectivelyEntitledForProvisioning: String(scoped) },
    );
    const matched = job.provisioned.get(user.id);
    step(
      "EntryImport",
      "Matching",
      "Success",
      matched === undefined
        ? `User '${upn}' was not found in Apple Business Manager`
        : `Retrieved '${upn}' from Apple Business Manager`,
      matched === undefined ? {} : { id: matched, userName: upn },
    );
    if (!scoped) {
      result = "Skipped";
      errorCode = "NotEffectivelyEntitled";
      errorMessage = "The user is not in scope: assign them to the Apple Business Manager app.";
      step("EntrySynchronizationSkip", "Export", "Skipped", errorMessage, { SkipReason: "NotEffectivelyEntitled" });
    } else if (user.givenName === null || user.givenName === undefined) {
      result = "Failure";
      errorCode = "SystemForCrossDomainIdentityManagementBadRequest";
      errorMessage = "Apple Business Manager rejected the user: name.givenName is required.";
      step("EntryExportAdd", "Export", "Failure", errorMessage);
    } else if (matched !== undefined) {
      result = "Skipped";
      errorCode = "RedundantExport";
      errorMessage = "The state of the user in both the source and target systems already match.";
      step("EntrySynchronizationSkip", "Export", "Skipped", errorMessage, { SkipReason: "RedundantExport" });
    } else {
      result = "Success";
      const id = context.prng.uuid();
      job.provisioned.set(user.id, id);
      step("EntryExportAdd", "Export", "Success", `User '${upn}' was created in Apple Business Manager`, { id });
    }
  }
  context.synchronization.addLog({
    userId,
    userPrincipalName: upn,
    status: result === "Success" ? "success" : result === "Skipped" ? "skipped" : "failure",
    action: "Create",
    ...(errorCode === null ? {} : { errorCode }),
    ...(errorMessage === null ? {} : { reason: errorMessage }),
    jobId: job.id,
  });
  return {
    "@odata.context": `${context.origin()}/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair`,
    key: JSON.stringify({ result, details: errorCode === null ? {} : { errorCode, errorMessage } }),
    value: JSON.stringify({
      action: "Create",
      changeId: context.prng.uuid(),
      startTime: at,
      endTime: at,
      provisioningSteps: steps,
      reportableIdentifier: upn,
      statusInfo: { status: result, errorCode, reason: errorMessage },
      sourceIdentity: { id: userId, type: "User", displayName: null, details: null },
      targetIdentity: { id: job.provisioned.get(userId) ?? null, type: SCIM_USER, displayName: null, details: null },
    }),
  };
}
