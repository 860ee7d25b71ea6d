import type { RunSummary } from "../ports/provisioning-engine.js";
import type { ChartBlock, RunBar } from "./reply.js";

/**
 * The run chart's pure parts: runs → bars, and the chart as text (the CLI, alt text, and where a
 * platform cannot show the image). The image itself is drawn by src/app/charts.
 */

/** The series of a run chart, in the order they are stacked (bottom first). */
export const CHART_SERIES = ["created", "updated", "deactivated", "failed"] as const;
export type ChartSeries = (typeof CHART_SERIES)[number];

/** Each series' colour in the chart image, and its name for the legend under it. */
export const SERIES_COLOURS: Readonly<
  Record<ChartSeries, { readonly name: string; readonly rgb: readonly [number, number, number] }>
> = {
  created: { name: "green", rgb: [46, 160, 67] },
  updated: { name: "blue", rgb: [47, 129, 247] },
  deactivated: { name: "amber", rgb: [191, 135, 0] },
  failed: { name: "red", rgb: [207, 34, 46] },
};

/** The legend of the chart image, e.g. "green created · blue updated · …". */
export function chartLegend(): string {
  return CHART_SERIES.map((series) => `${SERIES_COLOURS[series].name} ${series}`).join(" · ");
}

const BAR_CHARS: Readonly<Record<ChartSeries, string>> = {
  created: "█",
  updated: "▓",
  deactivated: "▒",
  failed: "×",
};
const TEXT_WIDTH = 30;

/** `2026-12-03T10:30Z` → `12-03 10:30` (UTC, like every time in the chat). */
function runLabel(at: Date): string {
  return Number.isNaN(at.getTime()) ? "—" : at.toISOString().slice(5, 16).replace("T", " ");
}

/** Runs (any order) → bars oldest first; adopted counts as created, deleted as deactivated. */
export function runBars(runs: readonly RunSummary[]): RunBar[] {
  return [...runs]
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    .map((run) => ({
      label: runLabel(run.startedAt),
      created: run.counts.created + run.counts.adopted,
      updated: run.counts.updated,
      deactivated: run.counts.deactivated + run.counts.deleted,
      failed: run.counts.failed,
    }));
}

export function barTotal(bar: RunBar): number {
  return CHART_SERIES.reduce((n, series) => n + Math.max(0, bar[series]), 0);
}

/** The numbers of one bar, e.g. `3 created, 1 failed` (`no changes` when all are zero). */
function barSummary(bar: RunBar): string {
  const parts = CHART_SERIES.filter((series) => bar[series] > 0).map((series) => `${bar[series]} ${series}`);
  return parts.length === 0 ? "no changes" : parts.join(", ");
}

/** One sentence per run, for alt text and screen readers. */
export function chartAltText(chart: ChartBlock): string {
  if (chart.runs.length === 0) return `${chart.title}: no runs yet.`;
  return `${chart.title}: ${chart.runs.map((bar) => `${bar.label}: ${barSummary(bar)}`).join("; ")}.`;
}

/**
 * The chart as monospace lines: a legend, then one stacked bar per run scaled to the largest run.
 * A bar with anything in it is at least one character wide.
 */
export function chartTextLines(chart: ChartBlock, width = TEXT_WIDTH): string[] {
  if (chart.runs.length === 0) return ["(no runs yet)"];
  const max = Math.max(1, ...chart.runs.map(barTotal));
  const labelWidth = Math.max(...chart.runs.map((bar) => bar.label.length));
  const legend = CHART_SERIES.map((series) => `${BAR_CHARS[series]} ${series}`).join("  ");
  const lines = chart.runs.map((bar) => {
    let drawn = "";
    for (const series of CHART_SERIES) {
      const value = Math.max(0, bar[series]);
      const cells = value === 0 ? 0 : Math.max(1, Math.round((value / max) * width));
      drawn += BAR_CHARS[series].repeat(cells);
    }
    return `${bar.label.padEnd(labelWidth)} │${drawn.padEnd(width + CHART_SERIES.length)} ${barSummary(bar)}`;
  });
  return [legend, ...lines];
}
