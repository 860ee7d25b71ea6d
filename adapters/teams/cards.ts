import { chartAltText, chartLegend, chartTextLines } from "#core/chat/chart.js";
import type { ChartImageSource } from "#core/chat/ports.js";
import type { Button, ChartBlock, Link, Reply, ReplyBlock, Tone } from "#core/chat/reply.js";
import type {
  ActionStyle,
  AdaptiveCard,
  CardAction,
  CardElement,
  ContainerStyle,
  ExecuteAction,
  SubmitAction,
} from "./card-types.js";
import { isWebUrl, toPlainText, toTeamsMarkdown, toTeamsMarkdownBlock } from "./markup.js";

/**
 * Renders the neutral `Reply` into an Adaptive Card 1.5 for Teams.
 *
 * - Buttons are `Action.Execute` (Universal Actions: invoke `adaptiveCard/action`, verb = actionId,
 *   data = {actionId, value}) with an `Action.Submit` fallback carrying the same data for clients
 *   that do not support Universal Actions (the message `value` is handled like the invoke).
 * - Teams has no confirm dialog on Action.Execute: a button with `confirm` becomes an
 *   `Action.ShowCard` that unfolds the question and the confirming Action.Execute; choosing the
 *   button again folds it away (that is the "deny").
 * - Links become `Action.OpenUrl`; the tone becomes the style of the container around the body.
 * - `refresh` (optional) makes Teams re-fetch the card for the listed user ids only
 *   (`adaptiveCard/action` with the refresh verb), e.g. details that only the asker may see.
 */
export interface RenderCardOptions {
  /** a chart's image as a `data:` URI; without it charts are drawn as monospace text */
  readonly chartImage?: ChartImageSource;
  readonly refresh?: {
    readonly actionId: string;
    readonly value: string;
    readonly userIds: readonly string[];
  };
}

const SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json";
/** Teams runs an automatic refresh for at most 60 user ids. */
const MAX_REFRESH_USER_IDS = 60;

const TONE_STYLE: Record<Tone, ContainerStyle> = {
  info: "emphasis",
  success: "good",
  warning: "warning",
  danger: "attention",
};

function actionStyle(style: Button["style"]): ActionStyle | undefined {
  if (style === "primary") return "positive";
  if (style === "danger") return "destructive";
  return undefined;
}

function submitFallback(button: Button, title: string, style: ActionStyle | undefined): SubmitAction {
  const base = { type: "Action.Submit" as const, title, data: { actionId: button.actionId, value: button.value } };
  return style === undefined ? base : { ...base, style };
}

function executeAction(button: Button, title: string): ExecuteAction {
  const style = actionStyle(button.style);
  const base = {
    type: "Action.Execute" as const,
    title,
    verb: button.actionId,
    data: { actionId: button.actionId, value: button.value },
    fallback: submitFallback(button, title, style),
  };
  return style === undefined ? base : { ...base, style };
}

function buttonAction(button: Button): CardAction {
  const title = toPlainText(button.label);
  const confirm = button.confirm;
  if (confirm === undefined) return executeAction(button, title);
  const style = actionStyle(button.style);
  const show = {
    type: "Action.ShowCard" as const,
    title,
    card: {
      type: "AdaptiveCard" as const,
      body: [
        {
          type: "TextBlock" as const,
          text: toTeamsMarkdown(confirm.title),
          wrap: true as const,
          weight: "bolder" as const,
        },
        { type: "TextBlock" as const, text: toTeamsMarkdownBlock(confirm.text), wrap: true as const },
        {
          // Teams shows the confirmation inline under the button (no dialog): the same button closes it
          type: "TextBlock" as const,
          text: `Not sure? Select **${toTeamsMarkdown(title)}** again to close this without deciding.`,
          wrap: true as const,
          size: "small" as const,
          isSubtle: true,
        },
      ],
      actions: [executeAction(button, toPlainText(confirm.confirm))],
    },
  };
  return style === undefined ? show : { ...show, style };
}

function linkActions(links: readonly Link[]): CardAction[] {
  return links
    .filter((link) => isWebUrl(link.url))
    .map((link) => ({ type: "Action.OpenUrl" as const, title: toPlainText(link.label), url: link.url }));
}

function listText(items: readonly string[], total: number): string {
  const lines = items.map((item) => `- ${toTeamsMarkdown(item)}`);
  const more = total - items.length;
  if (more > 0) lines.push(`- … +${more} more`);
  return lines.join("\r");
}

/** A chart: its title, the image (inline `data:` URI) with the numbers as alt text, and the legend. */
function chartElements(block: ChartBlock, options: RenderCardOptions): CardElement[] {
  const title: CardElement = { type: "TextBlock", text: toTeamsMarkdown(block.title), wrap: true, weight: "bolder" };
  const uri = options.chartImage?.(block) ?? null;
  if (uri !== null) {
    return [
      title,
      { type: "Image", url: uri, altText: toPlainText(chartAltText(block)), size: "stretch", spacing: "small" },
      { type: "TextBlock", text: toTeamsMarkdown(chartLegend()), wrap: true, size: "small", isSubtle: true },
    ];
  }
  const lines = chartTextLines(block).map(
    (line): CardElement => ({
      type: "TextBlock",
      text: toPlainText(line),
      wrap: true,
      fontType: "monospace",
      size: "small",
      spacing: "none",
    }),
  );
  return [title, ...lines];
}

function blockElements(block: ReplyBlock, options: RenderCardOptions): CardElement[] {
  switch (block.type) {
    case "header":
      return [
        {
          type: "TextBlock",
          text: toTeamsMarkdown(block.text),
          wrap: true,
          size: "large",
          weight: "bolder",
          style: "heading",
        },
      ];
    case "text":
      return [{ type: "TextBlock", text: toTeamsMarkdownBlock(block.text), wrap: true }];
    case "facts":
      return block.facts.length === 0
        ? []
        : [
            {
              type: "FactSet",
              facts: block.facts.map((fact) => ({
                title: toPlainText(fact.label),
                value: toTeamsMarkdown(fact.value),
              })),
            },
          ];
    case "list": {
      const out: CardElement[] = [];
      if (block.title !== undefined) {
        out.push({ type: "TextBlock", text: toTeamsMarkdown(block.title), wrap: true, weight: "bolder" });
      }
      if (block.items.length > 0 || block.total > 0) {
        out.push({ type: "TextBlock", text: listText(block.items, block.total), wrap: true, spacing: "small" });
      }
      return out;
    }
    case "context":
      return [{ type: "TextBlock", text: toTeamsMarkdownBlock(block.text), wrap: true, size: "small", isSubtle: true }];
    case "actions":
      return block.buttons.length === 0 ? [] : [{ type: "ActionSet", actions: block.buttons.map(buttonAction) }];
    case "links": {
      const actions = linkActions(block.links);
      return actions.length === 0 ? [] : [{ type: "ActionSet", actions }];
    }
    case "divider":
      return [];
    case "chart":
      return chartElements(block, options);
  }
}

function renderBody(blocks: readonly ReplyBlock[], options: RenderCardOptions): CardElement[] {
  const body: CardElement[] = [];
  let separateNext = false;
  for (const block of blocks) {
    if (block.type === "divider") {
      separateNext = body.length > 0;
      continue;
    }
    const elements = blockElements(block, options);
    const [first, ...rest] = elements;
    if (first === undefined) continue;
    body.push(separateNext ? { ...first, separator: true, spacing: "medium" } : first, ...rest);
    separateNext = false;
  }
  return body;
}

export function renderCard(reply: Reply, options: RenderCardOptions = {}): AdaptiveCard {
  const body = renderBody(reply.blocks, options);
  const items =
    body.length > 0
      ? body
      : [{ type: "TextBlock" as const, text: toTeamsMarkdown(reply.fallbackText), wrap: true as const }];
  const card: AdaptiveCard = {
    $schema: SCHEMA_URL,
    type: "AdaptiveCard",
    version: "1.5",
    fallbackText: toPlainText(reply.fallbackText),
    body: [{ type: "Container", style: TONE_STYLE[reply.tone], bleed: true, items }],
  };
  const refresh = options.refresh;
  if (refresh === undefined) return card;
  return {
    ...card,
    refresh: {
      action: {
        type: "Action.Execute",
        verb: refresh.actionId,
        data: { actionId: refresh.actionId, value: refresh.value },
      },
      userIds: refresh.userIds.slice(0, MAX_REFRESH_USER_IDS),
    },
  };
}
