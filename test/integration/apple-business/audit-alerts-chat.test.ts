import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { createAlertDispatcher } from "#app/alerts/dispatcher.js";
import { createAppleAuditWorker } from "#app/apple-audit-worker.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAuditEventClaims } from "#db/repositories/apple-audit-repository.js";
import { connectionLeases } from "#db/repositories/lease-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { type ChatRoundTrip, startChatRoundTrip, type TeamsAsker } from "#test/support/chat-round-trip.js";
import { until } from "#test/support/until.js";

/**
 * Apple's audit log as admins meet it in chat: `abm serve` with an Apple Business API account (the
 * emulator) reads the log when it starts and posts what a person changed in ABM to the alert channel
 * in Slack (valid Block Kit); a Teams channel subscribes with `@abm alerts here apple`; later events,
 * read by two more replicas on the same database, are threaded under the Slack parent and posted as
 * schema-valid cards in Teams, each event once per channel, and device events never.
 */
const SLACK_CHANNEL = "CAUDIT01";
const TEAMS_CHANNEL = "19:apple-audit@thread.tacv2";
const TEAMS_OPERATOR: TeamsAsker = {
  id: "29:olga",
  name: "Olga Operator",
  aadObjectId: "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
  channelId: TEAMS_CHANNEL,
};
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("Apple audit events in Slack and Teams", () => {
  let chat: ChatRoundTrip;

  beforeAll(async () => {
    chat = await startChatRoundTrip({
      emulators: { users: 3, seed: 5, problemRate: 0 },
      schedule: true,
      env: { ABM_ALERT_CHANNELS: `slack:${SLACK_CHANNEL}`, ABM_OPERATORS: TEAMS_OPERATOR.aadObjectId },
      prepare: (pair) => {
        pair.apple.store.addEvent({
          eventDateTime: ago(3),
          type: "ACCOUNT_DELETED",
          actorType: "USER",
          actorName: "Ada Admin",
          subjectType: "USER",
          subjectName: "deleted.by.hand@contoso.com",
          outcome: "SUCCESS",
        });
        pair.apple.store.addEvent({
          eventDateTime: ago(2),
          type: "DEVICE_ADDED_TO_ORG",
          actorType: "SYSTEM",
          subjectName: "device-never-alerted",
          outcome: "SUCCESS",
        });
      },
    });
  }, 60_000);

  afterAll(async () => {
    await chat?.close();
  });

  const slackPosts = () =>
    [...chat.api.byMethod("chat.postMessage"), ...chat.api.byMethod("chat.update")].filter(
      (call) => call.body.channel === SLACK_CHANNEL && JSON.stringify(call.body).includes("audit"),
    );
  const mentions = (name: string) =>
    chat.api
      .byMethod("chat.postMessage")
      .filter((call) => call.body.channel === SLACK_CHANNEL && JSON.stringify(call.body).includes(name));

  it("the running service reads the log at start and posts the change made by hand to the alert channel", async () => {
    await until("the audit alert in Slack", () =>
      mentions("deleted.by.hand@contoso.com").length > 0 ? true : undefined,
    );
    const [parent] = mentions("deleted.by.hand@contoso.com");
    expect(parent?.body.thread_ts).toBeUndefined();
    const text = JSON.stringify(parent?.body.blocks);
    expect(text).toContain("Accounts added or deleted by hand in ABM");
    expect(text).toContain("Ada Admin deleted the account deleted.by.hand@contoso.com");
    expect(validateSlackMessage({ text: String(parent?.body.text), blocks: parent?.body.blocks as never })).toEqual([]);
    expect(chat.api.calls.some((call) => JSON.stringify(call.body).includes("device-never-alerted"))).toBe(false);
    expect(slackPosts().length).toBeGreaterThan(0);

    // `status` says how far the audit log was read, in --json and in words
    const json = await chat.cli(["status", "--json"]);
    expect(json.code).toBe(0);
    const apple = (JSON.parse(json.stdout) as { apple?: { auditReadUntil?: unknown } }).apple;
    expect(Date.parse(String(apple?.auditReadUntil))).toBeGreaterThan(Date.now() - 60_000);
    const words = await chat.cli(["status"]);
    expect(words.stdout).toMatch(/Audit log\s+read up to \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; alerts here apple/);
  });

  it("later events, read by two more replicas, are threaded in Slack and posted once in the subscribed Teams channel", async () => {
    const [subscribed] = await chat.teams("alerts here apple", { asker: TEAMS_OPERATOR });
    expect(JSON.stringify(subscribed?.card)).toContain("apple");

    const connection = chat.service.services.connections[0];
    const { db } = chat.service.services.database;
    const replica = (name: string) => {
      const apple = connection.appleAudit;
      if (apple === null) throw new Error("the Apple side is off");
      const dispatcher = createAlertDispatcher({
        incidents: createIncidentStore(db, connection.connectionId, () => new Date()),
        outbox: createOutboxStore(db, connection.connectionId),
        routes: connection.alertRoutes,
        config: { links: connection.links },
        clock: systemClock,
        ids: randomIds,
        logger: silentLogger,
      });
      return createAppleAuditWorker({
        log: apple.log,
        claims: createAuditEventClaims(db, connection.connectionId),
        cursor: apple.cursor,
        leases: connectionLeases(db, connection.connectionId),
        holderId: `replica-${name}`,
        dispatch: (event) => dispatcher.dispatch(event),
        clock: systemClock,
        logger: silentLogger,
      });
    };
    chat.pair.apple.store.addEvent({
      eventDateTime: ago(1),
      type: "ACCOUNT_ADDED",
      actorType: "USER",
      actorName: "Bob Admin",
      subjectType: "USER",
      subjectName: "added.by.hand@contoso.com",
      outcome: "SUCCESS",
    });
    chat.pair.apple.store.addEvent({
      eventDateTime: ago(1),
      type: "API_ACCOUNT_KEY_REVOKED",
      actorType: "USER",
      actorName: "Bob Admin",
      subjectType: "API_ACCOUNT",
      subjectName: "Old MDM connector",
      outcome: "SUCCESS",
    });
    const [first, second] = [replica("b"), replica("c")];
    const polls = await Promise.all([first.tick(), second.tick()]);
    for (const poll of polls) if (!poll.ok) throw poll.error;
    for (const worker of [second, first]) {
      const again = await worker.tick();
      expect(again.ok && again.value.polled && again.value.handed).toBe(0);
    }

    // Slack: the new account threaded under the parent of the first poll; the key revocation a parent of its own
    await until("the later events in Slack", () =>
      mentions("added.by.hand@contoso.com").length > 0 && mentions("Old MDM connector").length > 0 ? true : undefined,
    );
    const [parent] = mentions("deleted.by.hand@contoso.com");
    const added = mentions("added.by.hand@contoso.com");
    expect(added.map((call) => call.body.thread_ts)).toEqual([parent?.body.ts ?? expect.any(String)]);
    expect(mentions("Old MDM connector").map((call) => call.body.thread_ts)).toEqual([undefined]);

    // Teams: subscribed after the first poll, so it gets the later events, each once, as valid cards
    const cardsMentioning = (name: string) =>
      chat.connector.requests.filter(
        (r) => r.conversationId === TEAMS_CHANNEL && r.method === "POST" && JSON.stringify(r.body).includes(name),
      );
    await until("the later events in Teams", () =>
      cardsMentioning("added.by.hand@contoso.com").length > 0 && cardsMentioning("Old MDM connector").length > 0
        ? true
        : undefined,
    );
    for (const name of ["added.by.hand@contoso.com", "Old MDM connector"]) {
      const sent = cardsMentioning(name);
      expect([name, sent.length]).toEqual([name, 1]);
      const attachments = sent[0]?.body.attachments as { content: unknown }[] | undefined;
      expect(chat.validateCard(attachments?.[0]?.content)).toEqual([]);
    }
    expect(cardsMentioning("API accounts changed in ABM")).toHaveLength(1);
    expect(cardsMentioning("device-never-alerted")).toHaveLength(0);
  });
});
