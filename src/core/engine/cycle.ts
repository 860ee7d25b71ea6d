import type { Approval, HeldRemoval } from "../approvals/approval.js";
import { type AppError, toAppError } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  type CycleKind,
  type RunCounts,
  type RunOutcome,
  type RunSummary,
  type Trigger,
  ZERO_COUNTS,
} from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { selectFor } from "../sync/attribute-map.js";
import { isEnabled } from "../sync/mapping.js";
import type { LinkState, SyncOp } from "../sync/operations.js";
import { planSync, type Removal } from "../sync/planner.js";
import { prepareUsers } from "../sync/prepare.js";
import { splitByThreshold } from "../sync/threshold.js";
import type { ScimUser, SourceUser } from "../users.js";
import { applyOps } from "./apply.js";
import type { EngineContext } from "./context.js";
import { linksForCycle } from "./cycle-links.js";
import type { ConnectionSettings } from "./engine-store.js";
import { withCycleLease } from "./lease.js";
import { listTarget } from "./list-target.js";
import { readSource } from "./read-source.js";
import { endRunFailed } from "./run-failure.js";

export interface CycleInput {
  readonly kind: CycleKind;
  readonly full: boolean;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly dryRun: boolean;
}

export interface CycleReport {
  readonly run: RunSummary;
  readonly ops: readonly SyncOp[];
  readonly held: number;
  readonly approvalId: string | null;
}

/** more users than this entering the scope in one incremental cycle → a full read is cheaper */
const MAX_SCOPE_LOOKUPS = 200;
const MAX_RETRY_LOOKUPS = 200;

/** One cycle under the per-connection lease: read → plan → hold over threshold → apply → record. */
export async function runCycleLocked(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  return withCycleLease(ctx, {}, async () => {
    try {
      return await runCycle(ctx, input);
    } catch (error) {
      return err(toAppError(error, "engine.cycle_failed"));
    }
  });
}

/** The run a cycle records, and how it ends. */
interface RunScope {
  readonly runId: string;
  readonly startedAt: Date;
  readonly log: Logger;
  readonly settings: ConnectionSettings;
  finish(outcome: RunOutcome, counts: RunCounts, error: AppError | null): Promise<RunSummary>;
  /** a failure the cycle expected (Graph or ABM unreachable, refused): the run ends `failed` */
  fail(error: AppError): Promise<Result<CycleReport, AppError>>;
}

async function runCycle(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  const { store, clock } = ctx;
  const runId = ctx.ids.next("run");
  const startedAt = clock.now();
  const log = ctx.logger.child({ runId, kind: input.kind });
  const settings = await store.settings();
  await store.failInterruptedRuns(startedAt, null);
  if (!input.dryRun)
    await store.startRun({ id: runId, kind: input.kind, trigger: input.trigger, actor: input.actor, startedAt });

  const summarize = (outcome: RunOutcome, counts: RunCounts, error: AppError | null): RunSummary => ({
    id: runId,
    kind: input.kind,
    trigger: input.trigger,
    actor: input.actor,
    startedAt,
    finishedAt: clock.now(),
    outcome,
    counts,
    error: error === null ? null : { code: error.code, message: error.message },
  });
  const finish = async (outcome: RunOutcome, counts: RunCounts, error: AppError | null): Promise<RunSummary> => {
    const summary = summarize(outcome, counts, error);
    if (!input.dryRun)
      await store.finishRun(runId, {
        finishedAt: summary.finishedAt ?? clock.now(),
        outcome,
        counts,
        error: summary.error,
      });
    return summary;
  };
  const fail = async (error: AppError): Promise<Result<CycleReport, AppError>> => {
    log.error({ code: error.code, message: error.message }, "cycle failed");
    const run = await finish("failed", ZERO_COUNTS, error);
    if (error.code === "graph.auth" || error.code === "scim.auth") await ctx.quarantine(error.message);
    ctx.events.emit({ type: "run_finished", run, failures: [] });
    return ok({ run, ops: [], held: 0, approvalId: null });
  };

  try {
    return await cycleSteps(ctx, input, { runId, startedAt, log, settings, finish, fail });
  } catch (thrown) {
    // a store write (or anything else) failed mid-cycle, possibly after ABM writes: the run ends
    // `failed` now, not `running` until the next cycle relabels it
    const error = toAppError(thrown, "engine.cycle_failed");
    if (input.dryRun) {
      log.error({ code: error.code, message: error.message }, "dry run failed");
      return err(error);
    }
    const run = await endRunFailed(
      ctx,
      { id: runId, kind: input.kind, trigger: input.trigger, actor: input.actor, startedAt },
      error,
    );
    return ok({ run, ops: [], held: 0, approvalId: null });
  }
}

/** read → scope → plan → hold → apply → record, inside the run `scope` opened */
async function cycleSteps(
  ctx: EngineContext,
  input: CycleInput,
  scope: RunScope,
): Promise<Result<CycleReport, AppError>> {
  const { store, clock } = ctx;
  const { runId, startedAt, log, settings, finish, fail } = scope;

  // 1. read Entra
  const select = selectFor(ctx.map);
  const full = input.full || settings.needsFullCycle;
  const watermark = full ? null : await store.watermark();
  const read = await readSource(ctx.directory, watermark, select);
  if (!read.ok) return fail(read.error);
  const source = read.value;
  const isFull = source.full;
  log.info({ full: isFull, users: source.users.size, removals: source.removals.size }, "read Entra");

  // 2. scope
  let scopeIds: ReadonlySet<string> | null = null;
  if (settings.scope === "assigned") {
    const scope = await ctx.directory.readAssignedScope();
    if (!scope.ok) return fail(scope.error);
    scopeIds = scope.value.userIds;
  }
  const inScope = (id: string): boolean => scopeIds === null || scopeIds.has(id);

  // full cycles and the assigned scope read every link; an incremental cycle with scope `all` reads
  // only its users' links once they are known (below): O(changes), not O(directory)
  const everyLink = isFull || scopeIds !== null;
  const failuresBefore = await store.failures();
  let links: readonly LinkState[] = everyLink ? await store.links() : [];
  let linkById = new Map(links.map((l) => [l.entraId, l] as const));
  const rejected = new Set(settings.rejectedRemovals);
  const users = new Map<string, SourceUser>();
  const outOfScope: string[] = [];
  const gone: string[] = [];

  if (isFull) {
    for (const [id, user] of source.users) if (inScope(id)) users.set(id, user);
  } else {
    for (const [id, user] of source.users) {
      if (inScope(id)) users.set(id, user);
      else if (linkById.get(id)?.active === true) outOfScope.push(id);
    }
    if (scopeIds !== null) {
      for (const link of links)
        if (
          link.active &&
          !scopeIds.has(link.entraId) &&
          !source.users.has(link.entraId) &&
          !source.removals.has(link.entraId)
        )
          outOfScope.push(link.entraId);
      // users in escrow are not "entering": they come back through dueRetries (with back-off) or
      // when they change in Entra, instead of being looked up and skipped again every cycle
      const failing = new Set(failuresBefore.map((f) => f.entraId));
      const entering = [...scopeIds].filter(
        (id) => !users.has(id) && linkById.get(id)?.active !== true && !source.removals.has(id) && !failing.has(id),
      );
      const lookups = await lookupUsers(ctx, entering.slice(0, MAX_SCOPE_LOOKUPS), select);
      if (!lookups.ok) return fail(lookups.error);
      for (const user of lookups.value) users.set(user.id, user);
      if (entering.length > MAX_SCOPE_LOOKUPS) await store.updateSettings({ needsFullCycle: true });
    }
    // escrow: failed users due for a retry
    const due = (await store.dueRetries(startedAt, MAX_RETRY_LOOKUPS)).filter(
      (id) => !users.has(id) && !source.removals.has(id) && inScope(id),
    );
    const retried = await lookupUsers(ctx, due, select);
    if (!retried.ok) return fail(retried.error);
    for (const user of retried.value) users.set(user.id, user);
    // escrowed users Entra no longer has (deleted while we were not looking)
    for (const id of due) if (!users.has(id)) gone.push(id);
  }

  // 3. ABM, for full cycles: everything, to match by externalId / userName
  let targetUsers: ScimUser[] | undefined;
  if (isFull) {
    const listed = await listTarget(ctx.target);
    if (!listed.ok) return fail(listed.error);
    targetUsers = listed.value;
    log.info({ users: targetUsers.length }, "listed ABM");
  }

  // 4. plan
  const planned = prepareUsers([...users.values()], ctx.map, { verifiedDomains: ctx.verifiedDomains });
  if (!everyLink) {
    links = await linksForCycle(store, [...users.keys(), ...source.removals.keys(), ...gone], planned);
    linkById = new Map(links.map((l) => [l.entraId, l] as const));
  }
  const leaving = new Set([...outOfScope, ...gone].filter((id) => !users.has(id) && !source.removals.has(id)));
  // escrowed users without a link: a create may have reached ABM although its answer never came back
  // (the links that matter here are loaded: every link, or those of the cycle's users and removals)
  const unconfirmed = failuresBefore.map((f) => f.entraId).filter((id) => !linkById.has(id));
  if (!isFull) {
    if (scopeIds !== null)
      for (const id of unconfirmed)
        if (!scopeIds.has(id) && !users.has(id) && !source.removals.has(id)) leaving.add(id);
    targetUsers = await lookupUnconfirmed(ctx, unconfirmed, (id) => {
      const user = users.get(id);
      return user === undefined ? source.removals.has(id) || leaving.has(id) : !isEnabled(user);
    });
  }
  const removals: Removal[] = [...source.removals].map(([entraId, reason]) => ({ entraId, reason }));
  const goneIds = new Set(gone);
  const plan = planSync({
    kind: isFull ? "full" : "incremental",
    users: planned,
    removals,
    outOfScope: [...leaving].filter((id) => !goneIds.has(id)),
    gone: [...leaving].filter((id) => goneIds.has(id)),
    unconfirmed,
    links,
    ...(targetUsers === undefined ? {} : { targetUsers }),
    policy: ctx.policy,
  });
  // removals an approver rejected stay undone until a restart; removals already waiting in an open
  // approval stay there (they are not planned, held or counted twice)
  /** a held removal is moot once its user is back in scope and enabled (Entra changed its mind) */
  const backInPlace = (r: HeldRemoval): boolean => {
    if (source.removals.has(r.entraId)) return false;
    const user = users.get(r.entraId);
    if (user !== undefined) return isEnabled(user);
    return r.cause === "out_of_scope" && inScope(r.entraId);
  };

  // An open approval keeps its removals held (not planned, held or counted twice). It is replaced
  // by a fresh one when it expired unanswered (the batch stays held and is asked for again) or when
  // some of its users no longer need removing (back in scope, enabled again).
  const pendingApproval = await ctx.approvals.pending();
  const open =
    pendingApproval?.payload.kind === "native_batch"
      ? { approval: pendingApproval, batch: pendingApproval.payload }
      : null;
  const stillHeld = (open?.batch.removals ?? []).filter((r) => !backInPlace(r));
  const openExpired = open !== null && open.approval.expiresAt.getTime() <= startedAt.getTime();
  const replaceOpen = open !== null && (openExpired || stillHeld.length < open.batch.removals.length);
  const alreadyHeld = new Map(stillHeld.map((r) => [r.entraId, r] as const));
  const ops = plan.ops.filter(
    (op) =>
      !(
        (op.action === "deactivate" || op.action === "delete") &&
        (rejected.has(op.entraId) || alreadyHeld.has(op.entraId))
      ),
  );
  const split = splitByThreshold(ops, ctx.threshold);
  log.info({ planned: ops.length, held: split.held.length }, "planned");

  if (input.dryRun) {
    const counts = { ...ZERO_COUNTS, held: split.held.length };
    for (const op of split.apply) countPlanned(counts, op);
    const run = await finish("succeeded", counts, null);
    return ok({ run, ops, held: split.held.length, approvalId: null });
  }

  // 5. hold removals over the threshold (one open approval at a time: a new breach supersedes the
  // open one with the union of both)
  let held: Approval | null = null;
  if (split.exceeded || replaceOpen) {
    const fresh: HeldRemoval[] = split.held.map((op) => ({
      entraId: op.entraId,
      scimId: op.scimId,
      userName: op.userName,
      action: op.action,
      reason: op.reason,
      dedupKey: op.dedupKey,
      hash: op.hash,
      cause: op.cause,
    }));
    const removals = [...alreadyHeld.values(), ...fresh];
    if (removals.length > 0) {
      const stored = await ctx.approvals.hold(
        {
          id: ctx.ids.next("apr"),
          payload: {
            kind: "native_batch",
            runId,
            cycle: input.kind,
            scope: settings.scope,
            threshold: ctx.threshold,
            removals,
          },
          requestedBy: input.actor,
          requestedAt: startedAt,
          expiresAt: new Date(startedAt.getTime() + ctx.approvalTtlMs),
        },
        ctx.requiredApprovals,
      );
      held = stored.approval;
    }
    // the replaced approval closes (expired unanswered, or withdrawn: a newer batch holds its users);
    // its posted messages lose their buttons so nobody approves a batch that is no longer held
    const closedAs = openExpired ? "expired" : "withdrawn";
    if (open !== null && (await ctx.approvals.transition(open.approval.id, "pending", closedAs, startedAt))) {
      ctx.events.emit({ type: "approval_changed", approval: { ...open.approval, status: closedAs } });
    }
  }

  // 6. apply
  const result = await applyOps(split.apply, {
    runId,
    store,
    target: ctx.target,
    concurrency: ctx.concurrency,
    clock,
    ids: ctx.ids,
    links: linkById,
    attempts: new Map(failuresBefore.map((f) => [f.entraId, f.attempts] as const)),
    ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }),
  });
  const counts: RunCounts = { ...result.counts, held: split.held.length };

  // 7. the watermark moves only now: every change is applied, escrowed or held; escrowed users that
  // left Entra or the scope with nothing left to do in ABM leave the failure list with it
  const settled = new Set(plan.ops.map((op) => op.entraId));
  const departed = unconfirmed.filter(
    (id) => !settled.has(id) && (isFull ? !users.has(id) : source.removals.has(id) || leaving.has(id)),
  );
  if (departed.length > 0) await store.clearFailures(departed);
  await store.setWatermark(source.watermark);
  if (isFull && settings.needsFullCycle) await store.updateSettings({ needsFullCycle: false });

  // 8. quarantine: authentication failure, or most operations failing
  const mostlyFailing = result.attempted >= 10 && counts.failed / result.attempted > 0.5;
  if (result.authFailure !== null) await ctx.quarantine(result.authFailure.message);
  else if (mostlyFailing)
    await ctx.quarantine(`${counts.failed} of ${result.attempted} operations failed in run ${runId}`);
  else if (settings.quarantine !== null) await ctx.releaseQuarantine();

  const outcome: RunOutcome = split.exceeded
    ? "held"
    : counts.failed > 0
      ? counts.failed === result.attempted
        ? "failed"
        : "partial"
      : "succeeded";
  const run = await finish(outcome, counts, null);
  log.info({ outcome, ...counts }, "cycle finished");
  const failures = await store.failures();
  ctx.events.emit({ type: "run_finished", run, failures });
  if (held !== null) ctx.events.emit({ type: "deletions_held", approval: held, run });
  return ok({ run, ops, held: split.held.length, approvalId: held?.id ?? null });
}

/**
 * ABM's users carrying the externalId of escrowed users that leave (removed, out of scope, gone,
 * disabled), for an incremental cycle. A failed look-up keeps the user in escrow: its next retry
 * finds it gone from Entra and looks again.
 */
async function lookupUnconfirmed(
  ctx: EngineContext,
  unconfirmed: readonly string[],
  leaves: (id: string) => boolean,
): Promise<ScimUser[]> {
  const ids = unconfirmed.filter(leaves).slice(0, MAX_RETRY_LOOKUPS);
  const found: ScimUser[] = [];
  for (let i = 0; i < ids.length; i += ctx.concurrency) {
    const chunk = ids.slice(i, i + ctx.concurrency);
    const results = await Promise.all(chunk.map((id) => ctx.target.findByExternalId(id)));
    for (const [j, r] of results.entries()) {
      if (r.ok) {
        if (r.value !== null) found.push(r.value);
      } else ctx.logger.warn({ entraId: chunk[j], code: r.error.code }, "could not look the user up in ABM");
    }
  }
  return found;
}

async function lookupUsers(
  ctx: EngineContext,
  ids: readonly string[],
  select: readonly string[],
): Promise<Result<SourceUser[], AppError>> {
  const found: SourceUser[] = [];
  for (let i = 0; i < ids.length; i += ctx.concurrency) {
    const chunk = ids.slice(i, i + ctx.concurrency);
    const results = await Promise.all(chunk.map((id) => ctx.directory.lookupUser({ by: "id", value: id }, select)));
    for (const r of results) {
      if (!r.ok) return err(r.error);
      if (r.value !== null) found.push(r.value);
    }
  }
  return ok(found);
}

function countPlanned(counts: { -readonly [K in keyof RunCounts]: number }, op: SyncOp): void {
  const key = (
    {
      create: "created",
      adopt: "adopted",
      update: "updated",
      deactivate: "deactivated",
      delete: "deleted",
      skip: "skipped",
    } as const
  )[op.action];
  counts[key] += 1;
}
