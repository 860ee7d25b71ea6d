import type { Reply } from "#core/chat/reply.js";
import { ADAPTIVE_CARD_CONTENT_TYPE } from "./card-types.js";
import { type RenderCardOptions, renderCard } from "./cards.js";
import { toPlainText } from "./markup.js";
import type { OutgoingActivity } from "./transport.js";

/** A neutral reply as a Teams message activity carrying one Adaptive Card. */
export function cardActivity(reply: Reply, options: RenderCardOptions = {}): OutgoingActivity {
  return {
    type: "message",
    summary: toPlainText(reply.fallbackText).slice(0, 200),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderCard(reply, options) }],
  };
}

/** The `adaptiveCard/action` invoke answer that replaces the card in place. */
export function cardInvokeBody(
  reply: Reply,
  options: RenderCardOptions = {},
): {
  statusCode: 200;
  type: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  value: unknown;
} {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: renderCard(reply, options) };
}

/**
 * How one person's card is rendered: charts as images, and a live reply (`reply.refresh`, the
 * home screen) refreshed for that person whenever they open it (Universal Actions refresh).
 */
export function cardOptionsFor(
  reply: Reply,
  viewerId: string,
  chartImage: RenderCardOptions["chartImage"],
): RenderCardOptions {
  return {
    ...(chartImage === undefined ? {} : { chartImage }),
    ...(reply.refresh === undefined ? {} : { refresh: { ...reply.refresh, userIds: [viewerId] } }),
  };
}

/** The `adaptiveCard/action` answer that shows a message to the clicker only and leaves the card as it is. */
export function messageInvokeBody(reply: Reply): {
  statusCode: 200;
  type: "application/vnd.microsoft.activity.message";
  value: string;
} {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.activity.message",
    value: toPlainText(reply.fallbackText),
  };
}

export function errorInvokeBody(code: string): {
  statusCode: 500;
  type: "application/vnd.microsoft.error";
  value: { code: string; message: string };
} {
  return {
    statusCode: 500,
    type: "application/vnd.microsoft.error",
    value: { code, message: "The action failed; the error has been logged." },
  };
}
