import { AppError, toAppError } from "../errors.js";
import type {
  Actor,
  ApprovalExecution,
  EngineStatus,
  ProvisioningEngine,
  RunSummary,
  SyncScope,
} from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { applyOps } from "./apply.js";
import { createEngineContext, type EngineContext, type NativeEngineDeps } from "./context.js";
import { runCycleLocked } from "./cycle.js";
import { removalOps } from "./held-ops.js";
import { withCycleLease } from "./lease.js";
import { endRunFailed } from "./run-failure.js";
import { previewScope } from "./scope.js";
import { checkUser, provisionUser } from "./single-user.js";
import { computeStatus } from "./status.js";

const LEASE_WAIT_MS = 60_000;

const foreignApproval = (id: string): AppError =>
  new AppError(
    "approval.wrong_engine",
    `Approval ${id} was held by the entra engine; the native engine cannot act on it.`,
  );

/** The native engine: this service is the SCIM client (docs/architecture.md, "Engines"). */
export function createNativeEngine(deps: NativeEngineDeps): ProvisioningEngine & { dueAt(): Promise<Date | null> } {
  const ctx: EngineContext = createEngineContext(deps);
  const { store, clock, approvals } = deps;

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

    refreshApprovals: async () => ok(undefined),

    applyApproval: (approval, actor) =>
      guard(async () => {
        const { payload } = approval;
        if (payload.kind !== "native_batch") return err(foreignApproval(approval.id));
        return withLease(async () => {
          if (!(await approvals.transition(approval.id, "approved", "applied", clock.now()))) {
            return err(
              new AppError("approval.not_granted", `Approval ${approval.id} is not approved (or was already applied).`),
            );
          }
          const run = {
            id: deps.ids.next("run"),
            kind: "incremental" as const,
            trigger: "approval" as const,
            actor: actor.id,
          };
          const startedAt = clock.now();
          await store.startRun({ ...run, startedAt });
          let result: Awaited<ReturnType<typeof applyOps>>;
          try {
            const links = await store.linksFor(payload.removals.map((r) => r.entraId));
            result = await applyOps(removalOps(payload.removals), {
              runId: run.id,
              store,
              target: deps.target,
              concurrency: deps.concurrency,
              clock,
              ids: deps.ids,
              links: new Map(links.map((l) => [l.entraId, l] as const)),
              attempts: new Map(),
            });
          } catch (thrown) {
            // the run ends `failed` (logged and alerted like a failed cycle); approving again retries
            const error = toAppError(thrown, "engine.failed");
            await endRunFailed(ctx, { ...run, startedAt }, error);
            await approvals.transition(approval.id, "applied", "approved", clock.now());
            return err(error);
          }
          const c = result.counts;
          const outcome = c.failed === 0 ? "succeeded" : c.failed === result.attempted ? "failed" : "partial";
          await store.finishRun(run.id, { finishedAt: clock.now(), outcome, counts: c, error: null });
          return ok<ApprovalExecution>({
            status: "applied",
            counts: c,
            message: `${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed (run ${run.id}).`,
          });
        });
      }),

    rejectApproval: (approval, _actor) =>
      guard(async () => {
        const { payload } = approval;
        if (payload.kind !== "native_batch") return err(foreignApproval(approval.id));
        const settings = await store.settings();
        const rejected = new Set([...settings.rejectedRemovals, ...payload.removals.map((r) => r.entraId)]);
        await store.updateSettings({ rejectedRemovals: [...rejected] });
        return ok(
          `${payload.removals.length} users stay active in ABM. The connection stays flagged until an operator restarts the sync or fixes the scope.`,
        );
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
