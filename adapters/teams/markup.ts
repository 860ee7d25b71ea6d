/**
 * Translates the neutral inline markup of the reply model (`**bold**`, `` `code` ``,
 * `[label](https://url)`) into the markdown subset Teams renders in an Adaptive Card TextBlock
 * (bold, italic, links, lists; no inline code).
 *
 * - `**bold**` stays `**bold**`.
 * - `` `code` `` becomes the literal text with every markdown character escaped: Teams has no inline
 *   code span in cards, so the value is shown verbatim rather than formatted by accident
 *   (`first_last_name` must not turn into italics).
 * - `[label](url)` stays a link when the URL is http(s); anything else is shown as its label only.
 * - Plain text is escaped the same way, so user data (display names, UPNs) never becomes markup.
 */
const MARKDOWN_SPECIAL = /[\\*_[\]`]/g;

function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (char) => `\\${char}`);
}

type Segment =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bold"; readonly text: string }
  | { readonly kind: "code"; readonly text: string }
  | { readonly kind: "link"; readonly label: string; readonly url: string };

// linear on any input: a label and a URL both stop at `[`, so no attempt runs past the start of
// the next one ("[a](x" × 10,000 is one pass, not 10,000)
const TOKEN = /\*\*([^*]+)\*\*|`([^`]*)`|\[([^[\]]+)\]\(([^)[\]\s]+)\)/g;

function parseNeutralMarkup(input: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of input.matchAll(TOKEN)) {
    const index = match.index;
    if (index > last) segments.push({ kind: "text", text: input.slice(last, index) });
    const [, bold, code, label, url] = match;
    if (bold !== undefined) segments.push({ kind: "bold", text: bold });
    else if (code !== undefined) segments.push({ kind: "code", text: code });
    else if (label !== undefined && url !== undefined) segments.push({ kind: "link", label, url });
    last = index + match[0].length;
  }
  if (last < input.length) segments.push({ kind: "text", text: input.slice(last) });
  return segments;
}

export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:";
  } catch {
    return false;
  }
}

function segmentToMarkdown(segment: Segment): string {
  switch (segment.kind) {
    case "text":
    case "code":
      return escapeMarkdown(segment.text);
    case "bold":
      return `**${escapeMarkdown(segment.text)}**`;
    case "link":
      return isWebUrl(segment.url)
        ? `[${escapeMarkdown(segment.label)}](${segment.url.replace(/\(/g, "%28").replace(/\)/g, "%29")})`
        : escapeMarkdown(segment.label);
  }
}

/** One line of neutral markup → Teams card markdown. */
export function toTeamsMarkdown(input: string): string {
  return parseNeutralMarkup(input).map(segmentToMarkdown).join("");
}

/**
 * A multi-line neutral text → Teams card markdown. A single `\n` is not a line break in card
 * markdown, so lines are joined as separate paragraphs.
 */
export function toTeamsMarkdownBlock(input: string): string {
  return input
    .split(/\r?\n/)
    .map((line) => toTeamsMarkdown(line))
    .join("\n\n");
}

/** Neutral markup with the markup removed: for `fallbackText`, summaries and tooltips. */
export function toPlainText(input: string): string {
  return parseNeutralMarkup(input)
    .map((segment) => (segment.kind === "link" ? segment.label : segment.text))
    .join("");
}
