import { createChatCore } from "#core/chat/handle-command.js";
import { createRoleChecker } from "#core/chat/roles.js";
import type { PendingDeletions } from "#core/ports/provisioning-engine.js";
import {
  FakeGroups,
  InMemoryAlertRoutes,
  InMemoryApprovalBook,
  InMemoryAudit,
  ManualClock,
  RecordingEditor,
  roleEntries,
} from "./fakes.js";
import { InMemoryEngine } from "./in-memory-engine.js";

export const OPERATOR = "UOPERATOR1";
export const APPROVER_A = "UAPPROVERA";
export const APPROVER_B = "UAPPROVERB";
export const VIEWER = "UVIEWER01";
export const LINKS = {
  entraProvisioningUrl: "https://entra.microsoft.com/#view/provisioning",
  abmDirectorySyncUrl: "https://business.apple.com/#/main/preferences/directorysync",
  abmActivityUrl: "https://business.apple.com/#/main/activity",
};

export interface HarnessOptions {
  readonly approvalsRequired?: number;
  /** a recording editor that, for instance, holds some edits back */
  readonly messages?: RecordingEditor;
  /** an audit sink that, for instance, pauses at one entry */
  readonly audit?: InMemoryAudit;
  /** `ABM_VIEWERS` (default empty: everyone views) */
  readonly viewers?: readonly string[];
}

export function createHarness(options: HarnessOptions = {}) {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const engine = new InMemoryEngine(() => clock.now());
  const audit = options.audit ?? new InMemoryAudit();
  const approvals = new InMemoryApprovalBook();
  const alertRoutes = new InMemoryAlertRoutes();
  const groups = new FakeGroups();
  const messages = options.messages ?? new RecordingEditor();
  const roles = createRoleChecker({
    viewers: roleEntries(...(options.viewers ?? [])),
    operators: roleEntries(OPERATOR),
    approvers: roleEntries(APPROVER_A, APPROVER_B, "approver@example.com"),
    groups,
    clock,
  });
  const core = createChatCore({
    engine,
    roles,
    audit,
    approvals,
    alertRoutes,
    clock,
    messages,
    config: { approvalsRequired: options.approvalsRequired ?? 2, links: LINKS },
  });
  return { core, clock, engine, audit, approvals, alertRoutes, groups, messages };
}

export function heldBatch(clock: ManualClock, count: number, id = "apr_test1"): PendingDeletions {
  return {
    approvalId: id,
    count,
    users: Array.from({ length: count }, (_, i) => ({
      entraId: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      userName: `user${i}@example.com`,
      action: "deactivate" as const,
      reason: "left scope",
    })),
    reason: "Incremental cycle run_9, scope assigned: users unassigned from the app",
    runId: "run_9",
    threshold: 500,
    requestedAt: clock.now(),
    expiresAt: new Date(clock.now().getTime() + 24 * 3_600_000),
  };
}
