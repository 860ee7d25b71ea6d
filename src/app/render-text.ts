import { chartTextLines } from "#core/chat/chart.js";
import type { Reply, ReplyBlock } from "#core/chat/reply.js";

/**
 * Renders a neutral chat Reply for a terminal: the CLI shows the same answers as Slack and Teams.
 * The neutral markup is flattened (`**bold**` → bold text, `[label](url)` → `label (url)`).
 */
export function renderReplyText(reply: Reply): string {
  return `${reply.blocks
    .map(renderBlock)
    .filter((s) => s.length > 0)
    .join("\n\n")}\n`;
}

function inline(text: string): string {
  return (
    text
      .replace(/\*\*(.+?)\*\*/g, "$1")
      .replace(/`([^`]+)`/g, "$1")
      // a label and a URL both stop at `[`: linear on any input
      .replace(/\[([^[\]]+)\]\(([^)[\]]+)\)/g, "$1 ($2)")
  );
}

function renderBlock(block: ReplyBlock): string {
  switch (block.type) {
    case "header":
      return inline(block.text).toUpperCase();
    case "text":
      return inline(block.text);
    case "context":
      return inline(block.text);
    case "divider":
      return "—".repeat(40);
    case "facts": {
      const width = Math.max(0, ...block.facts.map((f) => f.label.length));
      return block.facts.map((f) => `${f.label.padEnd(width)}  ${inline(f.value)}`).join("\n");
    }
    case "list": {
      const lines = block.items.map((item) => `  • ${inline(item)}`);
      const more = block.total - block.items.length;
      if (more > 0) lines.push(`  +${more} more`);
      return [...(block.title === undefined ? [] : [inline(block.title)]), ...lines].join("\n");
    }
    case "links":
      return block.links.map((l) => `→ ${l.label}: ${l.url}`).join("\n");
    case "actions":
      return block.buttons.map((b) => `[${b.label}]`).join(" ");
    case "chart":
      return [inline(block.title), ...chartTextLines(block).map((line) => `  ${line}`)].join("\n");
  }
}
