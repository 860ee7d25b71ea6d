/**
 * The neutral markup (`**bold**`, `` `code` ``, `[label](https://url)`) to Slack mrkdwn
 * (`*bold*`, `` `code` ``, `<url|label>`), with `&`, `<`, `>` escaped. Truncation happens on
 * token boundaries so an entity or a link is never cut in half.
 */
type Token =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bold"; readonly text: string }
  | { readonly kind: "code"; readonly text: string }
  | { readonly kind: "link"; readonly text: string; readonly url: string };

// linear on any input: a label and a URL both stop at `[`, so no attempt runs past the start of
// the next one ("[a](https://x" × 10,000 is one pass, not 10,000)
const MARKUP = /\*\*([^*\n]+?)\*\*|`([^`\n]+)`|\[([^[\]\n]+)\]\((https?:\/\/[^\s)[\]]+)\)/g;
const ELLIPSIS = "…";

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKUP)) {
    const index = match.index ?? 0;
    if (index > last) tokens.push({ kind: "text", text: text.slice(last, index) });
    if (match[1] !== undefined) tokens.push({ kind: "bold", text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: "code", text: match[2] });
    else if (match[3] !== undefined && match[4] !== undefined)
      tokens.push({ kind: "link", text: match[3], url: match[4] });
    last = index + match[0].length;
  }
  if (last < text.length) tokens.push({ kind: "text", text: text.slice(last) });
  return tokens;
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeUrl(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C");
}

function render(token: Token): string {
  switch (token.kind) {
    case "text":
      return escapeMrkdwn(token.text);
    case "bold":
      return `*${escapeMrkdwn(token.text)}*`;
    case "code":
      return `\`${escapeMrkdwn(token.text)}\``;
    case "link":
      return `<${escapeUrl(token.url)}|${escapeMrkdwn(token.text).replace(/\|/g, "/")}>`;
  }
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Escapes plain text char by char within a budget (never emits half an entity). */
function escapedPrefix(text: string, max: number): string {
  let out = "";
  for (const char of text) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max) break;
    out += piece;
  }
  return out;
}

export function toMrkdwn(text: string, max: number): string {
  const tokens = tokenize(text);
  const full = tokens.map(render).join("");
  if (full.length <= max) return full;
  const room = Math.max(0, max - ELLIPSIS.length);
  let out = "";
  for (const token of tokens) {
    const piece = render(token);
    if (out.length + piece.length <= room) {
      out += piece;
      continue;
    }
    // the first token that does not fit: keep what fits of its text, unformatted
    out += escapedPrefix(token.text, room - out.length);
    break;
  }
  return `${out}${ELLIPSIS}`;
}

/** Neutral markup to plain text (headers, button labels, dialogs), cut to `max` with an ellipsis. */
export function toPlain(text: string, max: number): string {
  const plain = tokenize(text)
    .map((token) => token.text)
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  if (plain.length <= max) return plain;
  return `${cut(plain, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}
