import type { ProvisionResult, RunSummary, ScopePreview } from "#core/ports/provisioning-engine.js";

/** Human summaries of engine results for the terminal. */
export function describeRun(run: RunSummary, dryRun = false): string {
  const c = run.counts;
  const seconds =
    run.finishedAt === null ? null : ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
  const lines = [
    `${dryRun ? "Dry run (nothing changed)" : `Run ${run.id}`}: ${run.kind} cycle ${run.outcome}${seconds === null ? "" : ` in ${seconds}s`}`,
    `  ${dryRun ? "would create" : "created"} ${c.created}, adopted ${c.adopted}, updated ${c.updated}, deactivated ${c.deactivated}, deleted ${c.deleted}`,
    `  skipped ${c.skipped}, failed ${c.failed}, held for approval ${c.held}`,
  ];
  if (run.error !== null) lines.push(`  error ${run.error.code}: ${run.error.message}`);
  if (c.held > 0 && !dryRun) lines.push("  Removals over the deletion threshold are held: see `abm approvals`.");
  if (c.failed > 0 || c.skipped > 0) lines.push("  See `abm errors` for who failed and how to fix it.");
  return `${lines.join("\n")}\n`;
}

export function describeProvision(result: ProvisionResult): string {
  const lines = [`${result.status.toUpperCase()}: ${result.action} — ${result.detail}`];
  for (const step of result.steps) lines.push(`  ${step.name.padEnd(8)} ${step.status}: ${step.detail}`);
  return `${lines.join("\n")}\n`;
}

export function describeScopePreview(preview: ScopePreview): string {
  const lines = [
    `Scope ${preview.from} → ${preview.to} (nothing changed):`,
    `  ${preview.entering} users would enter the scope${preview.examplesEntering.length > 0 ? ` (e.g. ${preview.examplesEntering.join(", ")})` : ""}`,
    `  ${preview.leaving} users would leave it and be deactivated in ABM${preview.examplesLeaving.length > 0 ? ` (e.g. ${preview.examplesLeaving.join(", ")})` : ""}`,
  ];
  if (preview.wouldHold)
    lines.push("  That is over the deletion threshold: the deactivations would be held for approval.");
  return `${lines.join("\n")}\n`;
}
