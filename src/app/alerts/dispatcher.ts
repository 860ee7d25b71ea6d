import type { Approval } from "#core/approvals/approval.js";
import type { AlertAction, AlertEvent, IncidentRecord } from "#core/chat/alerts/incidents.js";
import { type AlertKind, alertKindOf, receives } from "#core/chat/alerts/kinds.js";
import { planAlerts } from "#core/chat/alerts/policy.js";
import type { AlertRouteSource, IncidentStore, OutboxStore } from "#core/chat/alerts/stores.js";
import { renderApprovalMessage } from "#core/chat/approval-message.js";
import type { ChatLinks } from "#core/chat/format.js";
import type { Reply } from "#core/chat/reply.js";
import type { Clock } from "#core/clock.js";
import type { EngineEvent } from "#core/engine/context.js";
import { type AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { type OutboxPayload, toJsonPayload } from "./outbox-payload.js";

/**
 * Engine events → alert policy → durable outbox. Each alert goes only to the routes subscribed to
 * its kind (`alertKindOf`: errors, deletions, tokens, runs, apple). Events are handled one at a time (the policy
 * reads the open incidents, then they are written back). Messages are enqueued BEFORE the
 * incident is saved, with dedup keys derived from the incident's state, so a crash in between
 * re-plans the same messages and the outbox stores them once.
 */
export interface AlertDispatcherDeps {
  readonly incidents: IncidentStore;
  readonly outbox: OutboxStore;
  readonly routes: AlertRouteSource;
  readonly config: { readonly links: ChatLinks };
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /**
   * Where alerts go while no route is configured (the demo prints them on the terminal); `null`:
   * they are only logged as not posted.
   */
  readonly unrouted?: ((reply: Reply, approvalId: string | null) => void) | null;
}

export interface DispatchSummary {
  readonly actions: number;
  /** outbox messages newly stored (duplicates excluded) */
  readonly enqueued: number;
}

export interface AlertDispatcher {
  /** EngineEventSink: queue the event and return at once (failures are logged) */
  emit(event: EngineEvent): void;
  handleEngineEvent(event: EngineEvent): Promise<Result<DispatchSummary, AppError>>;
  /** a policy event (token checks, or anything already shaped as an AlertEvent) */
  dispatch(event: AlertEvent): Promise<Result<DispatchSummary, AppError>>;
  /** periodic check of `ABM_SCIM_TOKEN_EXPIRES` (e.g. daily) */
  checkToken(expiresAt: Date): Promise<Result<DispatchSummary, AppError>>;
  /** ABM answered 401 */
  tokenRejected(detail: string): Promise<Result<DispatchSummary, AppError>>;
  /** resolves when every queued event has been handled */
  idle(): Promise<void>;
}

const NONE: DispatchSummary = { actions: 0, enqueued: 0 };

function payloadsFor(action: AlertAction, approvalId: string | null): OutboxPayload[] {
  if (action.type === "note") return [{ kind: "post", reply: action.reply }];
  const thread = { incidentKey: action.key, opening: action.incident.opening };
  switch (action.type) {
    case "post_parent":
      return [{ kind: "parent", ...thread, approvalId, reply: action.reply }];
    case "post_follow_up":
      return [
        { kind: "thread", ...thread, reply: action.reply },
        { kind: "edit_parent", ...thread, reply: action.parent },
      ];
    case "bump":
      return [{ kind: "edit_parent", ...thread, reply: action.parent }];
    case "resolve":
      return [
        { kind: "edit_parent", ...thread, reply: action.parent },
        { kind: "thread", ...thread, reply: action.followUp },
      ];
  }
}

/** one parent per opening of an incident and route, whichever action queued it (the opening's post or a catch-up) */
function parentDedup(key: string, opening: number): string {
  return `${key}|opening:${opening}`;
}

interface Queued {
  readonly payload: OutboxPayload;
  readonly dedup: string;
}

/**
 * The incident's parent as it is now, offered with every later change: the outbox stores it only
 * for a route that never had a parent of this opening (it subscribed after the parent was posted).
 */
function catchUpParent(key: string, opening: number, approvalId: string | null, reply: Reply): Queued {
  return {
    payload: { kind: "parent", incidentKey: key, opening, approvalId, reply },
    dedup: parentDedup(key, opening),
  };
}

/**
 * What makes a message of an action unique: the incident's state (an incident that resolved and
 * comes back is a new opening and never reuses an old message's key), or, when the action says what
 * it carries (`contentKey`, e.g. the audit events it lists), its opening and that content: the same
 * content planned again (a poll that stopped before it confirmed its events) is stored once.
 */
function dedupOf(action: AlertAction): string {
  if (action.type === "note") return `${action.key}|note`;
  const i = action.incident;
  if ((action.type === "post_parent" || action.type === "post_follow_up") && action.contentKey !== undefined)
    return `${action.key}|${i.opening}|${action.contentKey}`;
  return `${action.key}|${action.type}:${i.opening}:${i.occurrences}:${i.status}:${i.milestone ?? "-"}:${i.resolvedAt?.getTime() ?? "-"}`;
}

/**
 * The opening of a parent the policy plans (it sees the open incidents only): the stored incident's
 * when another replica just opened it, else 0 the first time, else the time the last one resolved.
 * The same on every replica that plans it, so they store one parent.
 */
function openingAfter(stored: IncidentRecord | null): number {
  if (stored === null) return 0;
  if (stored.status === "open") return stored.opening;
  return stored.resolvedAt?.getTime() ?? stored.opening + 1;
}

export function createAlertDispatcher(deps: AlertDispatcherDeps): AlertDispatcher {
  const logger = deps.logger.child({ component: "alerts" });
  let chain: Promise<unknown> = Promise.resolve();

  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Enqueues to every route subscribed to `kind`, in order (`nextEnqueueTime`). `catchUp`
   * (`catchUpParent`) comes first for each route: stored only where the route never had this
   * opening's parent, and the route's follow-ups then thread under it.
   */
  async function enqueue(
    kind: AlertKind,
    payloads: readonly Queued[],
    catchUp: Queued | null,
  ): Promise<Result<number, AppError>> {
    const all = await deps.routes.list();
    if (!all.ok) return all;
    const subscribed = all.value.filter((route) => receives(route.kinds, kind));
    if (all.value.length === 0 && payloads.length > 0) {
      const unrouted = deps.unrouted ?? null;
      if (unrouted === null) logger.warn({}, "no alert route configured; nothing posted");
      else
        for (const { payload } of payloads)
          if (payload.kind === "parent") unrouted(payload.reply, payload.approvalId);
          else if (payload.kind === "thread") unrouted(payload.reply, null);
    }
    let stored = 0;
    for (const route of subscribed) {
      const put = async ({ payload, dedup }: Queued) => {
        const at = nextEnqueueTime();
        const added = await deps.outbox.enqueue({
          id: deps.ids.next("out"),
          platform: route.platform,
          channelId: route.channelId,
          payload: toJsonPayload(payload),
          incidentKey: payload.kind === "post" ? null : payload.incidentKey,
          dedupKey: `${dedup}|${payload.kind}|${route.platform}:${route.channelId}`,
          now: at,
        });
        if (added.ok && added.value) {
          stored += 1;
          lastEnqueuedAt = at.getTime();
        }
        return added;
      };
      if (catchUp !== null) {
        const added = await put(catchUp);
        if (!added.ok) return added;
      }
      for (const payload of payloads) {
        const added = await put(payload);
        if (!added.ok) return added;
      }
    }
    return ok(stored);
  }

  /** a parent the policy planned gets its opening from the stored incident (the same on every replica) */
  async function withOpening(action: AlertAction): Promise<Result<AlertAction, AppError>> {
    if (action.type !== "post_parent") return ok(action);
    const stored = await deps.incidents.get(action.key);
    if (!stored.ok) return stored;
    const opening = openingAfter(stored.value?.incident ?? null);
    return ok({ ...action, incident: { ...action.incident, opening } });
  }

  /** outbox times of stored messages only move forward (1 ms apart), so the channels' lanes keep the order they were planned in */
  let lastEnqueuedAt = 0;
  const nextEnqueueTime = (): Date => new Date(Math.max(deps.clock.now().getTime(), lastEnqueuedAt + 1));

  async function run(event: AlertEvent): Promise<Result<DispatchSummary, AppError>> {
    const open = await deps.incidents.listOpen();
    if (!open.ok) return open;
    const actions = planAlerts({
      incidents: open.value.map((s) => s.incident),
      event,
      links: deps.config.links,
    });
    let enqueued = 0;
    for (const planned of actions) {
      const numbered = await withOpening(planned);
      if (!numbered.ok) return numbered;
      const action = numbered.value;
      const approvalId = event.type === "deletions_held" ? event.approval.id : null;
      const payloads = payloadsFor(action, approvalId).map((payload) => ({
        payload,
        dedup:
          payload.kind === "parent" && action.type !== "note"
            ? parentDedup(action.key, action.incident.opening)
            : dedupOf(action),
      }));
      const catchUp =
        action.type === "post_follow_up" || action.type === "bump"
          ? catchUpParent(action.key, action.incident.opening, null, action.parent)
          : null;
      const stored = await enqueue(alertKindOf(action), payloads, catchUp);
      if (!stored.ok) return stored;
      enqueued += stored.value;
      if (action.type === "note") continue;
      const saved = await deps.incidents.save(action.incident);
      if (!saved.ok) return saved;
    }
    logger.info({ event: event.type, actions: actions.length, enqueued }, "alert event handled");
    return ok({ actions: actions.length, enqueued });
  }

  /**
   * The one path along which posted approval messages change: a refresh, rendered from the stored
   * approval when the outbox sends it. The incident resolves once the approval left `pending`.
   */
  async function changed(approval: Approval): Promise<Result<DispatchSummary, AppError>> {
    const key = `approval:${approval.id}`;
    const stored = await deps.incidents.get(key);
    if (!stored.ok) return stored;
    if (stored.value === null || stored.value.incident.status === "resolved") return ok(NONE);
    const votes = approval.votes.length;
    const opening = stored.value.incident.opening;
    // a channel subscribed to deletions after the approval was posted gets it now (with the buttons while pending)
    const catchUp = catchUpParent(
      key,
      opening,
      approval.id,
      renderApprovalMessage(approval, deps.clock.now(), deps.config.links),
    );
    const refreshed = await enqueue(
      "deletions",
      [
        {
          payload: { kind: "refresh_approval", incidentKey: key, opening, approvalId: approval.id },
          dedup: `${key}|${approval.status}:${votes}:${approval.result?.at.getTime() ?? "-"}`,
        },
      ],
      catchUp,
    );
    if (!refreshed.ok) return refreshed;
    if (approval.status !== "pending") {
      const resolved = { ...stored.value.incident, status: "resolved" as const, resolvedAt: deps.clock.now() };
      const saved = await deps.incidents.save(resolved);
      if (!saved.ok) return saved;
    }
    return ok({ actions: 1, enqueued: refreshed.value });
  }

  async function fromEngine(event: EngineEvent): Promise<Result<DispatchSummary, AppError>> {
    const at = deps.clock.now();
    switch (event.type) {
      case "run_finished":
        return run({
          type: "cycle_finished",
          at: event.run.finishedAt ?? at,
          run: event.run,
          failures: event.failures,
        });
      case "deletions_held":
        return run({ type: "deletions_held", at, approval: event.approval });
      case "approval_changed":
        return changed(event.approval);
      case "quarantine_entered":
        return run({
          type: "quarantine_entered",
          at,
          quarantine: { reason: event.reason, since: at, nextAttemptAt: null },
        });
      case "quarantine_left":
        return run({ type: "quarantine_left", at });
      case "token_switched":
        return run({ type: "token_switched", at: event.at, tokenId: event.tokenId, expiresAt: event.expiresAt });
    }
  }

  const guarded = (what: string, work: () => Promise<Result<DispatchSummary, AppError>>) =>
    serial(async () => {
      try {
        const result = await work();
        if (!result.ok) logger.error({ code: result.error.code, what }, "alert event not delivered to the outbox");
        return result;
      } catch (error) {
        const appError = toAppError(error, "alerts.unexpected");
        logger.error({ code: appError.code, what }, "alert dispatch failed unexpectedly");
        return err(appError);
      }
    });

  return {
    emit(event) {
      void guarded(event.type, () => fromEngine(event));
    },
    handleEngineEvent: (event) => guarded(event.type, () => fromEngine(event)),
    dispatch: (event) => guarded(event.type, () => run(event)),
    checkToken: (expiresAt) =>
      guarded("token_check", () => run({ type: "token_check", at: deps.clock.now(), expiresAt })),
    tokenRejected: (detail) =>
      guarded("token_rejected", () => run({ type: "token_rejected", at: deps.clock.now(), detail })),
    idle: () => chain.then(() => undefined),
  };
}
