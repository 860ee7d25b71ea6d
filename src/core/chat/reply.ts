/**
 * The neutral reply model: what the chat core says, independent of Slack or Teams.
 * Each platform has one renderer (Block Kit in adapters/slack, Adaptive Cards in adapters/teams).
 *
 * Inline text uses a tiny, neutral markup that both renderers translate:
 * `**bold**`, `` `code` `` and `[label](https://url)`. Nothing else is interpreted.
 */
export type Tone = "info" | "success" | "warning" | "danger";

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface Link {
  readonly label: string;
  readonly url: string;
}

export interface Confirmation {
  readonly title: string;
  readonly text: string;
  readonly confirm: string;
  readonly deny: string;
}

export interface Button {
  /** action id the adapters route on, e.g. `approval.approve` */
  readonly actionId: string;
  readonly label: string;
  /** small opaque payload (an approval id); always re-checked against stored state, never trusted */
  readonly value: string;
  readonly style?: "primary" | "danger";
  readonly confirm?: Confirmation;
}

/** One sync run as a chart bar: what it did, stacked (the home screen's and the digest's run chart). */
export interface RunBar {
  /** short label under the bar, e.g. `12-03 10:30` */
  readonly label: string;
  readonly created: number;
  readonly updated: number;
  readonly deactivated: number;
  readonly failed: number;
}

export type ReplyBlock =
  | { readonly type: "header"; readonly text: string }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "facts"; readonly facts: readonly Fact[] }
  /** `total` is the full count; when it exceeds items.length renderers add "+N more" */
  | { readonly type: "list"; readonly title?: string; readonly items: readonly string[]; readonly total: number }
  | { readonly type: "context"; readonly text: string }
  | { readonly type: "actions"; readonly buttons: readonly Button[] }
  | { readonly type: "links"; readonly links: readonly Link[] }
  | { readonly type: "divider" }
  /** runs oldest first; renderers draw an image where the platform can show one, a text chart otherwise */
  | { readonly type: "chart"; readonly title: string; readonly runs: readonly RunBar[] };

export type ChartBlock = Extract<ReplyBlock, { type: "chart" }>;

export interface Reply {
  /** plain-text summary for notifications and clients that cannot render blocks */
  readonly fallbackText: string;
  readonly blocks: readonly ReplyBlock[];
  /** `private`: only the asker sees it (ephemeral in Slack, personal in Teams); `channel`: everyone */
  readonly visibility: "private" | "channel";
  readonly tone: Tone;
  /**
   * A live reply (the home screen): the action that renders it again when someone opens it.
   * Teams uses it as the card's refresh (Action.Execute for the viewer); Slack re-publishes on open.
   */
  readonly refresh?: { readonly actionId: string; readonly value: string };
}

/** Builds a list block that keeps the first `limit` items and counts the rest. */
export function listBlock(items: readonly string[], limit: number, title?: string): ReplyBlock {
  const shown = items.slice(0, Math.max(0, limit));
  return title === undefined
    ? { type: "list", items: shown, total: items.length }
    : { type: "list", title, items: shown, total: items.length };
}
