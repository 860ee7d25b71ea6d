import { AppError, toAppError } from "../errors.js";
import type {
  Actor,
  CycleRequest,
  EngineStatus,
  ProvisioningEngine,
  RunSummary,
  SyncScope,
  Trigger,
} from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { applyApproval, rejectApproval } from "./approval-batch.js";
import { createEngineContext, type EngineContext, type NativeEngineDeps } from "./context.js";
import { type CycleInput, runCycleLocked } from "./cycle.js";
import { findOrphans } from "./orphans.js";
import { previewScope } from "./scope.js";
import { checkUser, provisionUser } from "./single-user.js";
import { computeStatus } from "./status.js";
import { explainUser } from "./user-facts.js";

const guard = async <T>(fn: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> => {
  try {
    return await fn();
  } catch (error) {
    return err(toAppError(error, "engine.failed"));
  }
};

/** The native engine: this service is the SCIM client (docs/architecture.md, "Engines"). */
export function createNativeEngine(deps: NativeEngineDeps): ProvisioningEngine & { dueAt(): Promise<Date | null> } {
  const ctx: EngineContext = createEngineContext(deps);
  const { store } = deps;
  return {
    kind: "native",
    status: () => guard(async () => ok<EngineStatus>(await computeStatus(ctx))),
    runCycle: (request) => guard(() => requestCycle(ctx, request)),
    restart: (actor, trigger) => guard(() => restart(ctx, actor, trigger)),
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
        return restart(ctx, actor, actor.platform === "cli" ? "cli" : "chat");
      }),
    checkUser: (query) => guard(() => checkUser(ctx, query)),
    explainUser: (query) => guard(() => explainUser(ctx, query)),
    orphans: () => guard(() => findOrphans(ctx)),
    provisionUser: (query, actor) => guard(() => provisionUser(ctx, query, actor)),
    refreshApprovals: async () => ok(undefined),
    applyApproval: (approval, actor) => guard(() => applyApproval(ctx, approval, actor)),
    rejectApproval: (approval, _actor) => guard(() => rejectApproval(ctx, approval)),
    failures: () => guard(async () => ok(await store.failures())),
    history: (limit) => guard(async () => ok(await store.runs(limit))),
    dueAt: () => dueAt(ctx),
  };
}

async function cycle(ctx: EngineContext, input: CycleInput): Promise<Result<RunSummary, AppError>> {
  const report = await runCycleLocked(ctx, input);
  return report.ok ? ok(report.value.run) : err(report.error);
}

/** A scheduled cycle waits while paused; the first cycle (or one after a restart) reads everything. */
async function requestCycle(ctx: EngineContext, request: CycleRequest): Promise<Result<RunSummary, AppError>> {
  const { store } = ctx;
  const settings = await store.settings();
  if (settings.paused && request.trigger === "schedule") {
    return err(new AppError("engine.paused", "Sync is paused; run `resume` first.", { retryable: false }));
  }
  const last = await store.runs(1);
  const initial = last.length === 0 || (await store.watermark()) === null;
  return cycle(ctx, {
    kind: initial ? "initial" : "incremental",
    full: request.kind === "full" || initial,
    trigger: request.trigger,
    actor: request.actor.id,
    dryRun: request.dryRun ?? false,
  });
}

/** Forgets the watermark, the escrow, rejected removals and the quarantine, and runs a full cycle. */
async function restart(ctx: EngineContext, actor: Actor, trigger: Trigger): Promise<Result<RunSummary, AppError>> {
  await ctx.store.resetForRestart();
  return cycle(ctx, { kind: "restart", full: true, trigger, actor: actor.id, dryRun: false });
}

async function dueAt(ctx: EngineContext): Promise<Date | null> {
  const settings = await ctx.store.settings();
  if (settings.paused) return null;
  if (settings.quarantine !== null) return settings.quarantine.nextAttemptAt;
  const [last] = await ctx.store.runs(1);
  if (last === undefined) return ctx.clock.now();
  return new Date(last.startedAt.getTime() + ctx.intervalMs);
}
