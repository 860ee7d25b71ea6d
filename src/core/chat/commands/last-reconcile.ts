import type { AppError } from "../../errors.js";
import { organizationWords } from "../../organization.js";
import { mismatchTotal, type ReconcileSummary } from "../../reconcile/last-report.js";
import type { CommandContext } from "../context.js";
import { code, formatTime, plain } from "../format.js";
import type { Fact, ReplyBlock } from "../reply.js";
import { reconcileSummary } from "./reconcile.js";

/**
 * The connection's last reconcile as `status` and the home screen read it (from the database,
 * whichever replica ran it): off when the Apple Business API is not set up, else the summary
 * (null: never run) or why it cannot be read.
 */
export type LastReconcile =
  | { readonly enabled: false }
  | { readonly enabled: true; readonly summary: ReconcileSummary | null; readonly error: AppError | null };

export async function readLastReconcile(ctx: CommandContext): Promise<LastReconcile> {
  const reconciler = ctx.deps.reconciler ?? null;
  if (reconciler === null) return { enabled: false };
  const last = await reconciler.last();
  return last.ok
    ? { enabled: true, summary: last.value, error: null }
    : { enabled: true, summary: null, error: last.error };
}

/** `--json`: `{ enabled, lastReconcile: { checkedAt, counts, total, … } | null, error? }` */
export function lastReconcileData(last: LastReconcile) {
  if (!last.enabled) return { enabled: false, lastReconcile: null };
  const summary =
    last.summary === null
      ? null
      : { ...last.summary, checkedAt: last.summary.checkedAt.toISOString(), total: mismatchTotal(last.summary) };
  return { enabled: true, lastReconcile: summary, ...(last.error === null ? {} : { error: last.error.toJSON() }) };
}

/** The `status` fact: when it ran and the counts by kind (none before the first run). */
export function lastReconcileFact(last: LastReconcile): Fact | null {
  if (!last.enabled) return null;
  if (last.error !== null) return { label: "Reconcile", value: unreadable(last.error) };
  if (last.summary === null) return null;
  return { label: "Reconcile", value: `${formatTime(last.summary.checkedAt)} — ${reconcileSummary(last.summary)}` };
}

/**
 * The home screen's line, e.g. "**Entra ↔ ABM**  8 mismatches (checked 2026-12-03 11:21 UTC) — run
 * `reconcile` for details"; nothing when the Apple side is off (`status` says how to turn it on).
 */
export function lastReconcileBlock(last: LastReconcile, ctx: CommandContext): ReplyBlock | null {
  if (!last.enabled) return null;
  const title = `**Entra ↔ ${organizationWords(ctx.deps.config.links.organization).short}**`;
  if (last.error !== null) return { type: "text", text: `${title}  ${unreadable(last.error)}` };
  if (last.summary === null) return { type: "text", text: `${title}  not checked yet — run \`reconcile\`` };
  const total = mismatchTotal(last.summary);
  const found = total === 0 ? "no mismatch" : total === 1 ? "1 mismatch" : `${total} mismatches`;
  return {
    type: "text",
    text: `${title}  ${found} (checked ${formatTime(last.summary.checkedAt)}) — run \`reconcile\` for details`,
  };
}

function unreadable(error: AppError): string {
  return `last reconcile unavailable: ${plain(error.message)} (${code(error.code)})`;
}
