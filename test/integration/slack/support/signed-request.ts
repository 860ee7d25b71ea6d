import { createHmac } from "node:crypto";

/** Builds and sends Slack-signed requests, as Slack does (`v0:<ts>:<body>` HMAC-SHA256). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SentRequest {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

export async function postSigned(
  url: string,
  body: string,
  options: {
    readonly secret: string;
    readonly timestamp?: number;
    readonly signature?: string;
    readonly contentType?: string;
  },
): Promise<SentRequest> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? sign(options.secret, timestamp, body),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text, ms: performance.now() - started };
}

export function slashCommandBody(fields: {
  readonly text: string;
  readonly userId: string;
  readonly channelId?: string;
  readonly responseUrl: string;
  /** default `T1`, the fake Web API's auth.test team */
  readonly teamId?: string;
  /** default `A1`, the fake Web API's bots.info app */
  readonly appId?: string;
}): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: fields.teamId ?? "T1",
    team_domain: "example",
    channel_id: fields.channelId ?? "C123",
    channel_name: "it-ops",
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: "/abm",
    text: fields.text,
    api_app_id: fields.appId ?? "A1",
    response_url: fields.responseUrl,
    trigger_id: "1.2.3",
  }).toString();
}

export function blockActionBody(fields: {
  readonly userId: string;
  readonly actionId: string;
  readonly value: string;
  readonly channelId: string;
  readonly messageTs: string;
  readonly responseUrl: string;
  readonly teamId?: string;
  readonly appId?: string;
  /** the clicked message was ephemeral (a private preview) */
  readonly ephemeral?: boolean;
}): string {
  const teamId = fields.teamId ?? "T1";
  const payload = {
    type: "block_actions",
    team: { id: teamId, domain: "example" },
    user: {
      id: fields.userId,
      username: fields.userId.toLowerCase(),
      name: fields.userId.toLowerCase(),
      team_id: teamId,
    },
    api_app_id: fields.appId ?? "A1",
    token: "deprecated-verification-token",
    container: {
      type: "message",
      message_ts: fields.messageTs,
      channel_id: fields.channelId,
      is_ephemeral: fields.ephemeral ?? false,
    },
    trigger_id: "1.2.3",
    channel: { id: fields.channelId, name: "it-ops" },
    message: { ts: fields.messageTs, type: "message", text: "" },
    response_url: fields.responseUrl,
    actions: [clickedButton(fields)],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

let eventSeq = 0;

/** An Events API `event_callback` as Slack posts it (JSON), here `app_home_opened`; each has its own event id. */
export function appHomeOpenedBody(fields: {
  readonly userId: string;
  readonly tab?: "home" | "messages";
  readonly teamId?: string;
  readonly appId?: string;
}): string {
  eventSeq += 1;
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: fields.teamId ?? "T1",
    api_app_id: fields.appId ?? "A1",
    event: {
      type: "app_home_opened",
      user: fields.userId,
      channel: "D0HOME001",
      tab: fields.tab ?? "home",
      event_ts: "1764756000.000100",
    },
    type: "event_callback",
    event_id: `Ev${fields.userId}${eventSeq}`,
    event_time: 1764756000,
    authorizations: [{ team_id: fields.teamId ?? "T1", user_id: "UBOT", is_bot: true }],
  });
}

/** A button clicked on the App Home tab: `block_actions` from a view, with no channel and no response_url. */
export function homeBlockActionBody(fields: {
  readonly userId: string;
  readonly actionId: string;
  readonly value: string;
}): string {
  const payload = {
    type: "block_actions",
    team: { id: "T1", domain: "example" },
    user: {
      id: fields.userId,
      username: fields.userId.toLowerCase(),
      name: fields.userId.toLowerCase(),
      team_id: "T1",
    },
    api_app_id: "A1",
    token: "deprecated-verification-token",
    container: { type: "view", view_id: "VHOME1" },
    trigger_id: "1.2.3",
    view: { id: "VHOME1", type: "home", team_id: "T1", hash: "1764756000.abc" },
    actions: [clickedButton(fields)],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The one button a block_actions payload says was clicked (a message's or the Home tab's). */
function clickedButton(fields: { readonly actionId: string; readonly value: string }) {
  return {
    type: "button",
    action_id: fields.actionId,
    block_id: "b1",
    value: fields.value,
    action_ts: String(Date.now() / 1000),
    text: { type: "plain_text", text: "Approve" },
  };
}
