import { chartAltText, chartTextLines } from "#core/chat/chart.js";
import type { ChartImageSource } from "#core/chat/ports.js";
import type { Button, ChartBlock, Reply, ReplyBlock } from "#core/chat/reply.js";
import {
  SLACK_LIMITS as L,
  type MrkdwnObject,
  type SlackBlock,
  type SlackButton,
  type SlackHomeView,
  type SlackMessage,
} from "./limits.js";
import { cut, escapeMrkdwn, toMrkdwn, toPlain } from "./mrkdwn.js";

/**
 * Reply → Block Kit. Output always fits Slack's limits: long texts are cut on token boundaries,
 * lists end with "+N more", and when the message budget runs out the rest is dropped with a note.
 */
const BLOCK_BUDGET = 10_000;
const FALLBACK_MAX = 1_500;
const MIN_USEFUL = 40;
/** buttons per message; more would crowd out the text budget */
const MAX_BUTTONS = 25;
const TONE_ICON: Readonly<Record<Reply["tone"], string>> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  danger: ":rotating_light:",
};

const mrkdwn = (text: string): MrkdwnObject => ({ type: "mrkdwn", text });

export interface SlackRenderOptions {
  /** the public URL of a chart's image (`ABM_PUBLIC_URL`); without one, charts are drawn as text */
  readonly chartImage?: ChartImageSource;
}

/** A chart: an image block when there is a URL for it, else the text chart in a code block. */
function chartBlocks(block: ChartBlock, max: number, options: SlackRenderOptions): SlackBlock[] {
  const url = options.chartImage?.(block) ?? null;
  if (url !== null && url.length <= L.imageUrl && /^https?:\/\//.test(url)) {
    return [
      {
        type: "image",
        image_url: url,
        alt_text: toPlain(chartAltText(block), L.imageAltText) || "Run chart",
        title: { type: "plain_text", text: toPlain(block.title, L.imageTitle) || "Runs", emoji: true },
      },
    ];
  }
  const title = `*${escapeMrkdwn(toPlain(block.title, 200))}*`;
  const room = Math.max(0, Math.min(L.sectionText, max) - title.length - 10);
  const lines = cut(escapeMrkdwn(chartTextLines(block).join("\n")), room);
  return [{ type: "section", text: mrkdwn(`${title}\n\`\`\`${lines}\`\`\``) }];
}

export function slackResponseType(reply: Reply): "ephemeral" | "in_channel" {
  return reply.visibility === "private" ? "ephemeral" : "in_channel";
}

/** Many buttons share the budget: above 10 per message every button text shrinks proportionally. */
function button(source: Button, actionId: string, scale: number): SlackButton {
  const max = (limit: number): number => Math.max(10, Math.floor(limit * scale));
  const base: SlackButton = {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: toPlain(source.label, max(L.buttonText)) || "Open", emoji: true },
    value: cut(source.value, L.buttonValue),
    ...(source.style === undefined ? {} : { style: source.style }),
  };
  if (source.confirm === undefined) return base;
  const c = source.confirm;
  return {
    ...base,
    confirm: {
      title: { type: "plain_text", text: toPlain(c.title, max(L.confirmTitle)) || "Are you sure?" },
      text: mrkdwn(toMrkdwn(c.text, max(L.confirmText)) || "Are you sure?"),
      confirm: { type: "plain_text", text: toPlain(c.confirm, L.confirmButton) || "Confirm" },
      deny: { type: "plain_text", text: toPlain(c.deny, L.confirmButton) || "Cancel" },
      ...(source.style === "danger" ? { style: "danger" as const } : {}),
    },
  };
}

function actionBlocks(buttons: readonly Button[], used: Set<string>, room: number, scale: number): SlackBlock[] {
  const elements: SlackButton[] = [];
  for (const source of buttons.slice(0, Math.min(L.actionsElements, room))) {
    let id = cut(source.actionId, L.actionId - 4) || "action";
    // action ids must be unique in a message; the core routes on the part before `#`
    for (let n = 2; used.has(id); n += 1) id = `${cut(source.actionId, L.actionId - 4)}#${n}`;
    used.add(id);
    elements.push(button(source, id, scale));
  }
  return elements.length === 0 ? [] : [{ type: "actions", elements }];
}

function listText(block: Extract<ReplyBlock, { type: "list" }>, max: number): string {
  const lines: string[] = [];
  let length = 0;
  const head = block.title === undefined ? "" : `*${escapeMrkdwn(toPlain(block.title, 200))}*`;
  if (head) {
    lines.push(head);
    length += head.length + 1;
  }
  const reserve = 40;
  let shown = 0;
  for (const item of block.items) {
    const line = `• ${toMrkdwn(item, Math.min(500, max))}`;
    if (length + line.length + 1 > max - reserve) break;
    lines.push(line);
    length += line.length + 1;
    shown += 1;
  }
  const hidden = Math.max(block.total, block.items.length) - shown;
  if (hidden > 0) lines.push(`_+${hidden} more_`);
  if (lines.length === 0) lines.push("_(empty)_");
  return lines.join("\n");
}

function textBlock(block: ReplyBlock, max: number, options: SlackRenderOptions): SlackBlock[] {
  switch (block.type) {
    case "header":
      return [
        {
          type: "header",
          text: { type: "plain_text", text: toPlain(block.text, Math.min(L.headerText, max)) || " ", emoji: true },
        },
      ];
    case "text":
      return block.text.trim() === ""
        ? []
        : [{ type: "section", text: mrkdwn(toMrkdwn(block.text, Math.min(L.sectionText, max))) }];
    case "context":
      return block.text.trim() === ""
        ? []
        : [{ type: "context", elements: [mrkdwn(toMrkdwn(block.text, Math.min(L.contextText, max)))] }];
    case "list":
      return [{ type: "section", text: mrkdwn(listText(block, Math.min(L.sectionText, max))) }];
    case "links": {
      const parts = block.links.map((link) =>
        /^https?:\/\//.test(link.url) ? `[${link.label}](${link.url})` : link.label,
      );
      return parts.length === 0
        ? []
        : [{ type: "context", elements: [mrkdwn(toMrkdwn(parts.join("  ·  "), Math.min(L.contextText, max)))] }];
    }
    case "facts": {
      const out: SlackBlock[] = [];
      const perField = Math.max(MIN_USEFUL, Math.min(L.fieldText, Math.floor(max / Math.max(1, block.facts.length))));
      for (let i = 0; i < block.facts.length; i += L.sectionFields) {
        const fields = block.facts.slice(i, i + L.sectionFields).map((fact) => {
          const label = `*${escapeMrkdwn(toPlain(fact.label, 100))}*\n`;
          return mrkdwn(`${label}${toMrkdwn(fact.value || "—", Math.max(1, perField - label.length))}`);
        });
        out.push({ type: "section", fields });
      }
      return out;
    }
    case "divider":
      return [{ type: "divider" }];
    case "chart":
      return chartBlocks(block, max, options);
    case "actions":
      return [];
  }
}

function textLength(block: SlackBlock): number {
  switch (block.type) {
    case "header":
      return block.text.text.length;
    case "section":
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    case "context":
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case "actions":
      return block.elements.reduce(
        (n, b) =>
          n +
          b.text.text.length +
          (b.confirm === undefined
            ? 0
            : b.confirm.title.text.length +
              b.confirm.text.text.length +
              b.confirm.confirm.text.length +
              b.confirm.deny.text.length),
        0,
      );
    case "divider":
      return 0;
    case "image":
      return block.alt_text.length + (block.title?.text.length ?? 0);
  }
}

export function renderSlack(reply: Reply, options: SlackRenderOptions = {}): SlackMessage {
  const { text, blocks } = renderBlocks(reply, options, L.blocks);
  return { text, blocks };
}

/** The App Home tab (`views.publish`): the same blocks, up to a view's 100. */
export function renderSlackHome(reply: Reply, options: SlackRenderOptions = {}): SlackHomeView {
  return { type: "home", blocks: renderBlocks(reply, options, L.homeBlocks).blocks };
}

function renderBlocks(reply: Reply, options: SlackRenderOptions, maxBlocks: number): SlackMessage {
  const used = new Set<string>();
  // buttons first: they are what a person acts on, so they never fall off the end
  const actions = new Map<number, SlackBlock[]>();
  let budget = BLOCK_BUDGET;
  let slots = maxBlocks - 1; // one kept for the "shortened" note
  let buttonRoom = MAX_BUTTONS;
  const buttonCount = reply.blocks.reduce((n, b) => n + (b.type === "actions" ? b.buttons.length : 0), 0);
  const scale = Math.min(1, 10 / Math.max(1, Math.min(buttonCount, MAX_BUTTONS)));
  reply.blocks.forEach((block, index) => {
    if (block.type !== "actions" || slots <= 0 || buttonRoom <= 0) return;
    const rendered = actionBlocks(block.buttons, used, buttonRoom, scale).slice(0, slots);
    buttonRoom -= rendered.reduce((n, b) => n + (b.type === "actions" ? b.elements.length : 0), 0);
    actions.set(index, rendered);
    slots -= rendered.length;
    budget -= rendered.reduce((n, b) => n + textLength(b), 0);
  });

  const blocks: SlackBlock[] = [];
  let truncated = false;
  let headerSeen = false;
  reply.blocks.forEach((block, index) => {
    if (block.type === "actions") {
      blocks.push(...(actions.get(index) ?? []));
      return;
    }
    if (truncated) return;
    if (budget < MIN_USEFUL || slots <= 0) {
      truncated = true;
      return;
    }
    const source: ReplyBlock =
      block.type === "header" && !headerSeen
        ? { type: "header", text: `${TONE_ICON[reply.tone]} ${block.text}` }
        : block;
    if (block.type === "header") headerSeen = true;
    let rendered = textBlock(source, budget, options);
    if (rendered.length > slots) {
      rendered = rendered.slice(0, slots);
      truncated = true;
    }
    blocks.push(...rendered);
    slots -= rendered.length;
    budget -= rendered.reduce((n, b) => n + textLength(b), 0);
  });
  if (truncated) blocks.push({ type: "context", elements: [mrkdwn("_Message shortened to fit Slack's limits._")] });
  const text =
    toMrkdwn(reply.fallbackText, FALLBACK_MAX) ||
    toPlain(reply.blocks.map((b) => ("text" in b ? b.text : "")).join(" "), 300) ||
    "ABM sync";
  return { text, blocks };
}
