import { createAlertDispatcher } from "#app/alerts/dispatcher.js";
import { slackChannelNotifier } from "#app/alerts/notifiers.js";
import { createOutboxWorker } from "#app/alerts/outbox-worker.js";
import type { HoldRequest } from "#core/approvals/approval.js";
import { createChatCore } from "#core/chat/handle-command.js";
import { createRoleChecker } from "#core/chat/roles.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { InMemoryIncidentStore, InMemoryOutboxStore } from "#test/support/alerts.js";
import {
  FakeGroups,
  fakeDigestDeps,
  InMemoryAlertRoutes,
  InMemoryApprovalStore,
  InMemoryAudit,
  roleEntries,
} from "#test/support/chat/fakes.js";
import { APPROVER_A, APPROVER_B, LINKS, OPERATOR } from "#test/support/chat/harness.js";
import { InMemoryEngine } from "#test/support/chat/in-memory-engine.js";
import type { FakeSlackApi } from "./fake-slack-api.js";
import { type SlackFixture, startSlackFixture } from "./slack-fixture.js";

export const ALERT_CHANNEL = "CALERTS";

/**
 * The whole path on loopback: the chat core (in-memory engine and CAS approval book) behind the
 * Slack adapter (a click's replacement through `respond()`), the alert dispatcher and the outbox
 * worker posting and refreshing approval messages through the Slack notifier to the fake Web API. Real clock; the worker spaces messages 20 ms apart to keep tests short.
 */
export async function startAlertStack(api: FakeSlackApi, options: { approvalsRequired: number }) {
  const approvals = new InMemoryApprovalStore();
  const engine = new InMemoryEngine(() => new Date(), approvals);
  const audit = new InMemoryAudit();
  const incidents = new InMemoryIncidentStore();
  const outbox = new InMemoryOutboxStore();
  // one route book for the dispatcher and the chat core (`alerts here` adds to it), starting with the alert channel
  const routes = new InMemoryAlertRoutes();
  await routes.set({ platform: "slack", channelId: ALERT_CHANNEL }, "all", "setup");
  const dispatcher = createAlertDispatcher({
    incidents,
    outbox,
    routes,
    config: { links: LINKS },
    clock: systemClock,
    ids: randomIds,
    logger: silentLogger,
  });
  const core = createChatCore({
    engine,
    roles: createRoleChecker({
      operators: roleEntries(OPERATOR),
      approvers: roleEntries(APPROVER_A, APPROVER_B),
      groups: new FakeGroups(),
      clock: systemClock,
    }),
    audit,
    approvals,
    alertRoutes: routes,
    digest: fakeDigestDeps(engine, approvals),
    events: dispatcher,
    clock: systemClock,
    config: { links: LINKS },
  });
  const fx: SlackFixture = await startSlackFixture({ chat: core, api });
  const worker = createOutboxWorker({
    outbox,
    incidents,
    approvals,
    notifiers: { slack: slackChannelNotifier(fx.adapter.notifier) },
    links: LINKS,
    clock: systemClock,
    logger: silentLogger,
    options: { minIntervalMs: 20, backoffBaseMs: 50 },
  });
  /** the engine holds a batch: stored pending, then announced, as both engines do */
  const hold = async (request: HoldRequest) => {
    const { approval } = await approvals.hold(request, options.approvalsRequired);
    await dispatcher.handleEngineEvent({ type: "deletions_held", approval, run: null });
    return approval;
  };
  return { engine, approvals, audit, core, fx, incidents, outbox, dispatcher, worker, hold };
}
