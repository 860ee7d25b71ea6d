import { AppError, toAppError } from "../errors.js";
import type {
  Actor,
  DecisionOutcome,
  EngineStatus,
  PendingDeletions,
  ProvisioningEngine,
  RunSummary,
  SyncScope,
} from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { applyOps } from "./apply.js";
import { createEngineContext, type EngineContext, type NativeEngineDeps } from "./context.js";
import { runCycleLocked } from "./cycle.js";
import type { StoredApproval } from "./engine-store.js";
import { removalOps } from "./held-ops.js";
import { withCycleLease } from "./lease.js";
import { endRunFailed } from "./run-failure.js";
import { previewScope } from "./scope.js";
import { checkUser, provisionUser } from "./single-user.js";
import { computeStatus, describeApproval } from "./status.js";

const LEASE_WAIT_MS = 60_000;

/** The native engine: this service is the SCIM client (docs/architecture.md, "Engines"). */
export function createNativeEngine(deps: NativeEngineDeps): ProvisioningEngine & { dueAt(): Promise<Date | null> } {
  const ctx: EngineContext = createEngineContext(deps);
  const { store, clock } = deps;

  const guard = async <T>(fn: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> => {
    try {
      return await fn();
    } catch (error) {
      return err(toAppError(error, "engine.failed"));
    }
  };

  const cycle = async (
    full: boolean,
    kind: "initial" | "incremental" | "restart",
    trigger: Parameters<ProvisioningEngine["runCycle"]>[0]["trigger"],
    actor: Actor,
    dryRun = false,
  ): Promise<Result<RunSummary, AppError>> => {
    const report = await runCycleLocked(ctx, { kind, full, trigger, actor: actor.id, dryRun });
    return report.ok ? ok(report.value.run) : err(report.error);
  };

  const restartInternal = async (
    actor: Actor,
    trigger: Parameters<ProvisioningEngine["restart"]>[1],
  ): Promise<Result<RunSummary, AppError>> => {
    await store.clearWatermark();
    await store.clearAllFailures();
    await store.updateSettings({ needsFullCycle: true, rejectedRemovals: [], quarantine: null });
    return cycle(true, "restart", trigger, actor);
  };

  /** waits (bounded) for the cycle lease, so an approval does not fail just because a cycle runs */
  const withLease = <T>(fn: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> =>
    withCycleLease(ctx, { waitMs: LEASE_WAIT_MS, busyMessage: "A cycle is still running; try again in a minute." }, fn);

  const loadApproval = async (id: string): Promise<StoredApproval | null> => store.approval(id);

  return {
    kind: "native",

    status: () => guard(async () => ok<EngineStatus>(await computeStatus(ctx))),

    runCycle: (request) =>
      guard(async () => {
        const settings = await store.settings();
        if (settings.paused && request.trigger === "schedule") {
          return err(new AppError("engine.paused", "Sync is paused; run `resume` first.", { retryable: false }));
        }
        const last = await store.runs(1);
        const initial = last.length === 0 || (await store.watermark()) === null;
        const full = request.kind === "full" || initial;
        return cycle(
          full,
          initial ? "initial" : "incremental",
          request.trigger,
          request.actor,
          request.dryRun ?? false,
        );
      }),

    restart: (actor, trigger) => guard(() => restartInternal(actor, trigger)),

    pause: (_actor) =>
      guard(async () => {
        await store.updateSettings({ paused: true });
        return ok(undefined);
      }),

    resume: (_actor) =>
      guard(async () => {
        await store.updateSettings({ paused: false });
        return ok(undefined);
      }),

    previewScope: (scope) => guard(() => previewScope(ctx, scope)),

    setScope: (scope: SyncScope, actor) =>
      guard(async () => {
        await store.updateSettings({ scope });
        return restartInternal(actor, actor.platform === "cli" ? "cli" : "chat");
      }),

    checkUser: (query) => guard(() => checkUser(ctx, query)),

    provisionUser: (query, actor) => guard(() => provisionUser(ctx, query, actor)),

    pendingDeletions: () =>
      guard(async () => {
        const open = await store.pendingApproval();
        return ok<PendingDeletions | null>(open === null ? null : describeApproval(open));
      }),

    approveDeletions: (approvalId, actor) =>
      guard(async () => {
        const approval = await loadApproval(approvalId);
        if (approval === null)
          return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
        if (approval.status === "pending") {
          return err(
            new AppError(
              "engine.approval_not_granted",
              `Approval ${approvalId} has not collected the approvals it needs yet.`,
            ),
          );
        }
        if (approval.status !== "approved") {
          return ok<DecisionOutcome>({
            result: approval.status === "expired" ? "expired" : "already_decided",
            counts: null,
            message: `Approval ${approvalId} is ${approval.status}.`,
          });
        }
        return withLease(async () => {
          if (!(await store.claimApproved(approvalId, clock.now()))) {
            return ok<DecisionOutcome>({
              result: "already_decided",
              counts: null,
              message: `Approval ${approvalId} was already applied.`,
            });
          }
          const runId = deps.ids.next("run");
          const startedAt = clock.now();
          await store.startRun({ id: runId, kind: "incremental", trigger: "approval", actor: actor.id, startedAt });
          let result: Awaited<ReturnType<typeof applyOps>>;
          try {
            const links = await store.linksFor(approval.payload.removals.map((r) => r.entraId));
            result = await applyOps(removalOps(approval.payload.removals), {
              runId,
              store,
              target: deps.target,
              concurrency: deps.concurrency,
              clock,
              ids: deps.ids,
              links: new Map(links.map((l) => [l.entraId, l] as const)),
              attempts: new Map(),
            });
          } catch (thrown) {
            // the run ends `failed` now (not `running`), logged and alerted like a failed cycle
            const error = toAppError(thrown, "engine.failed");
            await endRunFailed(
              ctx,
              { id: runId, kind: "incremental", trigger: "approval", actor: actor.id, startedAt },
              error,
            );
            return err(error);
          }
          const outcome =
            result.counts.failed === 0 ? "succeeded" : result.counts.failed === result.attempted ? "failed" : "partial";
          await store.finishRun(runId, { finishedAt: clock.now(), outcome, counts: result.counts, error: null });
          deps.events.emit({ type: "deletions_decided", approvalId, decision: "approved", actor: actor.id });
          const c = result.counts;
          return ok<DecisionOutcome>({
            result: "applied",
            counts: c,
            message: `Applied: ${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed (run ${runId}).`,
          });
        });
      }),

    rejectDeletions: (approvalId, actor) =>
      guard(async () => {
        const approval = await loadApproval(approvalId);
        if (approval === null)
          return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
        if (approval.status === "pending")
          await store.setApprovalStatus(approvalId, "pending", "rejected", clock.now());
        else if (approval.status !== "rejected") {
          return ok<DecisionOutcome>({
            result: "already_decided",
            counts: null,
            message: `Approval ${approvalId} is ${approval.status}.`,
          });
        }
        const settings = await store.settings();
        const rejected = new Set([...settings.rejectedRemovals, ...approval.payload.removals.map((r) => r.entraId)]);
        await store.updateSettings({ rejectedRemovals: [...rejected] });
        deps.events.emit({ type: "deletions_decided", approvalId, decision: "rejected", actor: actor.id });
        return ok<DecisionOutcome>({
          result: "applied",
          counts: null,
          message: `Rejected: ${approval.payload.removals.length} users stay active in ABM. The connection stays flagged until an operator restarts the sync or fixes the scope.`,
        });
      }),

    failures: () => guard(async () => ok(await store.failures())),

    history: (limit) => guard(async () => ok(await store.runs(limit))),

    async dueAt() {
      const settings = await store.settings();
      if (settings.paused) return null;
      if (settings.quarantine !== null) return settings.quarantine.nextAttemptAt;
      const [last] = await store.runs(1);
      if (last === undefined) return clock.now();
      return new Date(last.startedAt.getTime() + deps.intervalMs);
    },
  };
}
