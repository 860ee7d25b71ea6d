/** Builders for inbound Teams activities shaped like the ones Teams sends (trimmed to what matters). */
const BOT = { id: "28:bot-app-id", name: "abm" };
export const CHANNEL = "19:general@thread.tacv2";
const TENANT = "tenant-1";

interface From {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
}

export const viewer: From = { id: "29:viewer", name: "Vera Viewer", aadObjectId: "aad-viewer" };
export const operator: From = { id: "29:operator", name: "Olga Operator", aadObjectId: "aad-operator" };
export const approver1: From = { id: "29:approver1", name: "Ada Approver", aadObjectId: "aad-approver-1" };
export const approver2: From = { id: "29:approver2", name: "Bob Approver", aadObjectId: "aad-approver-2" };

let seq = 0;

function base(serviceUrl: string, from: From, conversation: Record<string, unknown>): Record<string, unknown> {
  seq += 1;
  return {
    id: `in-${seq}`,
    channelId: "msteams",
    serviceUrl,
    from,
    recipient: BOT,
    conversation: { tenantId: TENANT, ...conversation },
    channelData: { tenant: { id: TENANT } },
    locale: "en-US",
    timestamp: new Date().toISOString(),
  };
}

export function channelMessage(serviceUrl: string, from: From, command: string): Record<string, unknown> {
  const root = `${CHANNEL};messageid=${1000 + seq}`;
  return {
    ...base(serviceUrl, from, { id: root, conversationType: "channel", isGroup: true }),
    type: "message",
    text: `<at>abm</at> ${command}\n`,
    entities: [{ type: "mention", text: "<at>abm</at>", mentioned: BOT }],
  };
}

export function personalMessage(
  serviceUrl: string,
  from: From,
  command: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...base(serviceUrl, from, { id: `a:personal-${from.id}`, conversationType: "personal" }),
    type: "message",
    text: command,
    ...extra,
  };
}

export function executeInvoke(
  serviceUrl: string,
  from: From,
  cardMessageId: string,
  actionId: string,
  value: string,
): Record<string, unknown> {
  return {
    ...base(serviceUrl, from, { id: CHANNEL, conversationType: "channel", isGroup: true }),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: cardMessageId,
    value: { action: { type: "Action.Execute", verb: actionId, data: { actionId, value } }, trigger: "manual" },
  };
}

export function submitFallback(
  serviceUrl: string,
  from: From,
  cardMessageId: string,
  actionId: string,
  value: string,
): Record<string, unknown> {
  return {
    ...base(serviceUrl, from, { id: CHANNEL, conversationType: "channel", isGroup: true }),
    type: "message",
    replyToId: cardMessageId,
    value: { actionId, value },
  };
}

export function botAdded(serviceUrl: string): Record<string, unknown> {
  return {
    ...base(serviceUrl, operator, { id: CHANNEL, conversationType: "channel", isGroup: true }),
    type: "conversationUpdate",
    membersAdded: [BOT],
  };
}
