import { AppError } from "../errors.js";
import { type AppleOrganization, organizationWords } from "../organization.js";
import type { EngineStatus } from "../ports/provisioning-engine.js";
import type { Result } from "../result.js";
import type { AlertRoute } from "./alerts/stores.js";
import { HOME_ACTIONS } from "./commands/home.js";
import { type Answer, failed, succeeded, textReply } from "./context.js";
import { formatTime, plain } from "./format.js";
import type { ChatActionResult, ChatCore, ChatRequest } from "./handle-command.js";
import type { ChatActor, ConversationRef } from "./ports.js";
import type { Reply, ReplyBlock } from "./reply.js";

/** One organization as the router sees it: its own chat core (its engine, stores and roles). */
export interface RoutedConnection {
  readonly id: string;
  readonly name: string;
  readonly organization: AppleOrganization;
  readonly core: ChatCore;
  /** for the one-line-per-connection overview */
  status(): Promise<Result<EngineStatus, AppError>>;
  /** the conversations this connection's alerts go to (configured and `alerts here`) */
  alertRoutes(): Promise<Result<readonly AlertRoute[], AppError>>;
}

const OPTION = /(?:^|\s)--connection(?:=|\s+)(\S*)/;
/** `alerts here <connection> [kinds]` binds the conversation to that connection */
const ALERTS_HERE = /^\s*alerts\s+here\s+([a-z][a-z0-9-]*)((?:\s+\S+)*)\s*$/i;

/**
 * One chat core over several organizations. A command goes to the connection it names
 * (`--connection contoso`, or `alerts here contoso`), else to the one whose alerts this
 * conversation receives, else — with one connection — to that one. `status` without a connection
 * answers with one line per connection; anything else asks which. Button values carry their
 * connection (`contoso:apr_…`), so a click reaches the organization that posted the message.
 */
export function createConnectionRouter(connections: readonly RoutedConnection[]): ChatCore {
  const [only, ...others] = connections;
  if (only === undefined) throw new AppError("app.not_configured", "The chat router needs at least one connection.");
  if (others.length === 0) return only.core;
  const byId = new Map(connections.map((c) => [c.id, c] as const));

  async function bound(conversation: ConversationRef): Promise<RoutedConnection | null> {
    const matches: RoutedConnection[] = [];
    for (const connection of connections) {
      const routes = await connection.alertRoutes();
      if (!routes.ok) continue;
      const here = routes.value.some(
        (r) => r.platform === conversation.platform && r.channelId === conversation.channelId,
      );
      if (here) matches.push(connection);
    }
    return matches.length === 1 ? (matches[0] ?? null) : null;
  }

  function unknown(id: string): Reply {
    return textReply(`There is no connection \`${plain(id)}\`. ${choicesText(connections)}`, "warning", "private");
  }

  return {
    async execute(request) {
      // the home screen is a person's, not a conversation's: every organization, one section each
      if (request.command.name === "home") return homeOverview(connections, request);
      const target = await bound(request.conversation);
      if (target !== null) return namespacedAnswer(await target.core.execute(request), target.id);
      if (request.command.name === "status") return overview(connections);
      const error = new AppError("connection.required", `Which organization? ${choicesText(connections)}`);
      return failed(error, textReply(error.message, "info", "private"));
    },
    async handle(request: ChatRequest) {
      const named = request.text.match(OPTION);
      const here = request.text.match(ALERTS_HERE);
      const id =
        named?.[1] ?? (here?.[1] !== undefined && byId.has(here[1].toLowerCase()) ? here[1].toLowerCase() : null);
      if (id !== null) {
        const target = byId.get(id);
        if (target === undefined) return [unknown(id)];
        const text = (
          here !== null && named === null ? `alerts here ${here[2] ?? ""}` : request.text.replace(OPTION, " ")
        ).trim();
        return (await target.core.handle({ ...request, text })).map((r) => namespaced(r, target.id));
      }
      const word = request.text.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
      if (word === "home") return [...(await homeOverview(connections, request)).replies];
      const target = await bound(request.conversation);
      if (target !== null) return (await target.core.handle(request)).map((r) => namespaced(r, target.id));
      if (word === "status" || word === "") return [...(await overview(connections)).replies];
      if (word === "help") return [...(await only.core.handle(request)), connectionsReply(connections)];
      return [textReply(`Which organization? ${choicesText(connections)}`, "info", "private")];
    },
    async handleAction(request): Promise<ChatActionResult> {
      if ((request.actionId.split("#")[0] ?? "") === HOME_ACTIONS.refresh) {
        const home = await homeOverview(connections, request);
        return { replies: [], replaceOriginal: home.replies[0] ?? null };
      }
      const colon = request.value.indexOf(":");
      const target = colon < 0 ? undefined : byId.get(request.value.slice(0, colon));
      if (target === undefined) {
        const stale = "That button is not valid any more. Run the command again with --connection <id>.";
        return { replies: [textReply(stale, "warning", "private")], replaceOriginal: null };
      }
      const result = await target.core.handleAction({ ...request, value: request.value.slice(colon + 1) });
      return {
        replies: result.replies.map((r) => namespaced(r, target.id)),
        replaceOriginal: result.replaceOriginal === null ? null : namespaced(result.replaceOriginal, target.id),
      };
    },
  };
}

/** Every button of a reply names its connection, so the click is routed back to it. */
export function namespaced(reply: Reply, connectionId: string): Reply {
  const blocks = reply.blocks.map(
    (block): ReplyBlock =>
      block.type === "actions"
        ? { ...block, buttons: block.buttons.map((b) => ({ ...b, value: `${connectionId}:${b.value}` })) }
        : block,
  );
  return { ...reply, blocks };
}

const TONE_WEIGHT: Readonly<Record<Reply["tone"], number>> = { info: 0, success: 1, warning: 2, danger: 3 };

/**
 * `home` across every connection: each organization's own home, one section each (its header
 * names the organization, its buttons name the connection), as one live reply.
 */
export async function homeOverview(
  connections: readonly RoutedConnection[],
  request: { readonly actor: ChatActor; readonly conversation: ConversationRef },
): Promise<Answer> {
  const answers = await Promise.all(
    connections.map(
      async (connection) =>
        ({
          connection,
          answer: await connection.core.execute({ ...request, command: { name: "home" } }),
        }) as const,
    ),
  );
  const blocks: ReplyBlock[] = [];
  let tone: Reply["tone"] = "info";
  answers.forEach(({ connection, answer }, index) => {
    if (index > 0) blocks.push({ type: "divider" });
    const name = `${plain(connection.name)} (${organizationWords(connection.organization).short})`;
    const section: ReplyBlock[] = [];
    for (const reply of answer.replies.map((r) => namespaced(r, connection.id))) {
      if (TONE_WEIGHT[reply.tone] > TONE_WEIGHT[tone]) tone = reply.tone;
      section.push(...reply.blocks);
    }
    // the section's first header names the organization (a failed answer has none: one is added)
    const first = section.findIndex((block) => block.type === "header");
    const header = section[first];
    if (header?.type === "header") section[first] = { type: "header", text: `${name} — ${header.text}` };
    else section.unshift({ type: "header", text: name });
    blocks.push(...section);
  });
  const reply: Reply = {
    fallbackText: `Home: ${connections.length} organizations`,
    blocks,
    visibility: "private",
    tone,
    refresh: { actionId: HOME_ACTIONS.refresh, value: "" },
  };
  const data = {
    connections: answers.map(({ connection, answer }) => ({
      id: connection.id,
      name: connection.name,
      organization: connection.organization,
      ...(answer.ok ? answer.data : { error: { code: answer.error.code, message: answer.error.message } }),
    })),
  };
  return succeeded(data, [reply]);
}

function namespacedAnswer(answer: Answer, connectionId: string): Answer {
  return { ...answer, replies: answer.replies.map((r) => namespaced(r, connectionId)) };
}

function choicesText(connections: readonly RoutedConnection[]): string {
  const list = connections
    .map((c) => `\`${c.id}\` (${plain(c.name)}, ${organizationWords(c.organization).short})`)
    .join(", ");
  return `Add \`--connection <id>\` — one of ${list} — or bind this conversation with \`alerts here <id>\`.`;
}

function connectionsReply(connections: readonly RoutedConnection[]): Reply {
  return textReply(
    `This bot serves ${connections.length} organizations. ${choicesText(connections)}`,
    "info",
    "private",
  );
}

/** `status` across every connection: one line each, the data of each. */
export async function overview(connections: readonly RoutedConnection[]): Promise<Answer> {
  const rows = await Promise.all(connections.map(async (c) => ({ connection: c, status: await c.status() }) as const));
  const lines = rows.map(({ connection, status }) => {
    const who = `**${plain(connection.name)}** (\`${connection.id}\`, ${organizationWords(connection.organization).short})`;
    return status.ok
      ? `${who}: ${statusLine(status.value)}`
      : `${who}: status unavailable — ${plain(status.error.message)}`;
  });
  const failing = rows.some(({ status }) => !status.ok || status.value.state === "quarantined");
  const reply: Reply = {
    fallbackText: lines.join("\n").replace(/\*\*|`/g, ""),
    blocks: [
      { type: "header", text: `${connections.length} organizations` },
      { type: "list", items: lines, total: lines.length },
      { type: "context", text: "Add `--connection <id>` for one organization's full status." },
    ],
    visibility: "private",
    tone: failing ? "danger" : "info",
  };
  const data = {
    connections: rows.map(({ connection, status }) => ({
      id: connection.id,
      name: connection.name,
      organization: connection.organization,
      ...(status.ok
        ? { status: statusData(status.value) }
        : { error: { code: status.error.code, message: status.error.message } }),
    })),
  };
  return succeeded(data, [reply]);
}

function statusLine(s: EngineStatus): string {
  const last = s.lastRun === null ? "never ran" : `last run ${s.lastRun.outcome} at ${formatTime(s.lastRun.startedAt)}`;
  const next = s.paused ? "paused" : `next ${formatTime(s.nextRunAt)}`;
  const held = s.pendingApproval === null ? "" : ", deletions held for approval";
  return `${s.state.replaceAll("_", " ")}, ${last}, ${next}, ${s.failingUsers} failing${held}`;
}

function statusData(s: EngineStatus) {
  return {
    engine: s.engine,
    state: s.state,
    scope: s.scope,
    paused: s.paused,
    lastRun:
      s.lastRun === null ? null : { id: s.lastRun.id, outcome: s.lastRun.outcome, startedAt: s.lastRun.startedAt },
    nextRunAt: s.nextRunAt,
    linkedUsers: s.linkedUsers,
    failingUsers: s.failingUsers,
    pendingApproval: s.pendingApproval === null ? null : s.pendingApproval.id,
    tokenExpiresAt: s.tokenExpiresAt,
  };
}
