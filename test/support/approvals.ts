import { randomBytes } from "node:crypto";
import type { Approval, ApprovalPayload, HeldRemoval } from "#core/approvals/approval.js";
import type { AuditActor, AuditEntry } from "#core/audit.js";
import type { IdGenerator } from "#core/ids.js";

type NativeBatch = Extract<ApprovalPayload, { kind: "native_batch" }>;
type Quarantine = Extract<ApprovalPayload, { kind: "entra_quarantine" }>;

/** One held removal of the native engine; the i-th user of a batch. */
export function heldRemoval(i: number, extra: Partial<HeldRemoval> = {}): HeldRemoval {
  return {
    entraId: `id${i}`,
    scimId: `s${i}`,
    userName: `user${i}@example.com`,
    action: "deactivate",
    reason: "left scope",
    dedupKey: `k${i}`,
    hash: `h${i}`,
    ...extra,
  };
}

/** The native engine's held batch. */
export function nativeBatch(
  removals: readonly HeldRemoval[],
  extra: Partial<Omit<NativeBatch, "kind" | "removals">> = {},
): NativeBatch {
  return {
    kind: "native_batch",
    runId: "run_1",
    cycle: "incremental",
    scope: "assigned",
    threshold: 10,
    ...extra,
    removals: [...removals],
  };
}

/** Entra's job quarantined for TooManyDeletes (Graph does not list the users). */
export function quarantineBatch(count: number, extra: Partial<Omit<Quarantine, "kind" | "count">> = {}): Quarantine {
  return {
    kind: "entra_quarantine",
    jobId: "job",
    episodeBegan: "2026-01-01T00:00:00Z",
    runId: null,
    threshold: 500,
    reason: "Entra quarantined the job",
    ...extra,
    count,
  };
}

/** A pending approval of `payload` as the store returns it, requested at 0 and open for a day. */
export function pendingApproval(payload: ApprovalPayload, extra: Partial<Approval> = {}): Approval {
  return {
    id: "apr_1",
    status: "pending",
    payload,
    requiredApprovals: 1,
    votes: [],
    requestedBy: "system",
    requestedAt: new Date(0),
    expiresAt: new Date(86_400_000),
    decidedAt: null,
    result: null,
    messages: [],
    ...extra,
  };
}

/** ids for stores that number their own rows (audit entries) */
export const testIds: IdGenerator = { next: (prefix) => `${prefix}_${randomBytes(6).toString("hex")}` };

/** who votes in store tests, as the audit log names them */
export const by: AuditActor = { actor: "U-voter", platform: "slack", command: "approval.approve" };

/** the audit entry a stored result is written with */
export const resultAudit: AuditEntry = { ...by, target: "apr_a", outcome: "succeeded", detail: "done" };
