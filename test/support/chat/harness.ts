import type { HoldRequest } from "#core/approvals/approval.js";
import type { ChatLinks } from "#core/chat/format.js";
import { createChatCore } from "#core/chat/handle-command.js";
import { createRoleChecker } from "#core/chat/roles.js";
import { type AppleWorld, worldReconciler } from "./apple-world.js";
import {
  FakeGroups,
  fakeDigestDeps,
  InMemoryAlertRoutes,
  InMemoryApprovalStore,
  InMemoryAudit,
  ManualClock,
  RecordingEvents,
  roleEntries,
} from "./fakes.js";
import { InMemoryEngine } from "./in-memory-engine.js";

export const OPERATOR = "UOPERATOR1";
export const APPROVER_A = "UAPPROVERA";
export const APPROVER_B = "UAPPROVERB";
export const VIEWER = "UVIEWER01";
export const LINKS = {
  entraProvisioningUrl: "https://entra.microsoft.com/#view/provisioning",
  organization: "business",
} as const satisfies ChatLinks;

export interface HarnessOptions {
  readonly approvalsRequired?: number;
  /** an audit sink that, for instance, pauses at one entry */
  readonly audit?: InMemoryAudit;
  /** `ABM_VIEWERS` (default empty: everyone views) */
  readonly viewers?: readonly string[];
  /** more `ABM_APPROVERS` entries (e.g. a Teams user's Entra object id) */
  readonly approvers?: readonly string[];
  /** the Apple Business API side (`reconcile`); absent: off */
  readonly apple?: AppleWorld;
}

export function createHarness(options: HarnessOptions = {}) {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const audit = options.audit ?? new InMemoryAudit();
  const approvals = new InMemoryApprovalStore(audit);
  const engine = new InMemoryEngine(() => clock.now(), approvals);
  const alertRoutes = new InMemoryAlertRoutes(() => clock.now());
  const digest = fakeDigestDeps(engine, approvals, () => clock.now());
  const groups = new FakeGroups();
  const events = new RecordingEvents();
  const approvalsRequired = options.approvalsRequired ?? 2;
  /** the engine holds a batch: stored pending, as both engines do */
  const hold = async (request: HoldRequest) => (await approvals.hold(request, approvalsRequired)).approval;
  const roles = createRoleChecker({
    viewers: roleEntries(...(options.viewers ?? [])),
    operators: roleEntries(OPERATOR),
    approvers: roleEntries(APPROVER_A, APPROVER_B, "approver@example.com", ...(options.approvers ?? [])),
    groups,
    clock,
  });
  const core = createChatCore({
    engine,
    roles,
    audit,
    approvals,
    alertRoutes,
    digest,
    events,
    clock,
    config: { links: LINKS },
    reconciler: options.apple === undefined ? null : worldReconciler(options.apple, engine, clock),
  });
  return { core, clock, engine, audit, approvals, alertRoutes, digest, groups, events, hold };
}

export function heldBatch(clock: ManualClock, count: number, id = "apr_test1"): HoldRequest {
  return {
    id,
    payload: {
      kind: "native_batch",
      runId: "run_9",
      cycle: "incremental",
      scope: "assigned",
      threshold: 500,
      removals: Array.from({ length: count }, (_, i) => ({
        entraId: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
        scimId: `scim-${i}`,
        userName: `user${i}@example.com`,
        action: "deactivate" as const,
        reason: "left scope",
        dedupKey: `deactivate:${i}`,
        hash: `h${i}`,
      })),
    },
    requestedBy: "system",
    requestedAt: clock.now(),
    expiresAt: new Date(clock.now().getTime() + 24 * 3_600_000),
  };
}
