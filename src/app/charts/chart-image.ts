import { barTotal, CHART_SERIES, type ChartSeries, SERIES_COLOURS } from "#core/chat/chart.js";
import type { ChartBlock, RunBar } from "#core/chat/reply.js";
import { encodePng, type IndexedImage } from "./png.js";

/**
 * The run chart as a PNG: one stacked bar per run (created, updated, deactivated, failed from the
 * bottom, in the core's SERIES_COLOURS), scaled to the largest run, on a white background with a
 * base line. No text is drawn: the title, the legend and the numbers are the image's alt text and
 * the message around it.
 */
export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 160;
/** the drawing area: bars stand on the base line at `BASE_Y`, the tallest reaches `TOP_Y` */
export const CHART_BASE_Y = CHART_HEIGHT - 9;
export const CHART_TOP_Y = 8;
const SIDE = 8;

const WHITE = 0;
const AXIS = 1;
export const SERIES_COLOUR: Readonly<Record<ChartSeries, number>> = {
  created: 2,
  updated: 3,
  deactivated: 4,
  failed: 5,
};
const PALETTE: IndexedImage["palette"] = [
  [255, 255, 255],
  [150, 150, 150],
  ...CHART_SERIES.map((series) => SERIES_COLOURS[series].rgb),
];

export interface BarGeometry {
  readonly x: number;
  readonly width: number;
}

/** Where each of `count` bars is drawn across the chart. */
export function barGeometry(count: number): BarGeometry[] {
  const slot = (CHART_WIDTH - 2 * SIDE) / Math.max(1, count);
  const width = Math.max(2, Math.min(40, Math.floor(slot * 0.7)));
  return Array.from({ length: count }, (_, index) => ({
    x: Math.round(SIDE + slot * index + (slot - width) / 2),
    width,
  }));
}

export function renderChartPng(runs: readonly RunBar[]): Buffer {
  const pixels = new Uint8Array(CHART_WIDTH * CHART_HEIGHT).fill(WHITE);
  const fill = (x0: number, y0: number, x1: number, y1: number, colour: number): void => {
    for (let y = Math.max(0, y0); y < Math.min(CHART_HEIGHT, y1); y += 1) {
      pixels.fill(colour, y * CHART_WIDTH + Math.max(0, x0), y * CHART_WIDTH + Math.min(CHART_WIDTH, x1));
    }
  };
  fill(SIDE / 2, CHART_BASE_Y, CHART_WIDTH - SIDE / 2, CHART_BASE_Y + 1, AXIS);
  const max = Math.max(1, ...runs.map(barTotal));
  const span = CHART_BASE_Y - CHART_TOP_Y;
  barGeometry(runs.length).forEach(({ x, width }, index) => {
    const bar = runs[index];
    if (bar === undefined) return;
    // cumulative heights, rounded once each, so the stack's total height is proportional to the total
    let below = 0;
    let drawn = 0;
    for (const series of CHART_SERIES) {
      below += Math.max(0, bar[series]);
      const top = Math.round((below / max) * span);
      if (top > drawn) fill(x, CHART_BASE_Y - top, x + width, CHART_BASE_Y - drawn, SERIES_COLOUR[series]);
      drawn = Math.max(drawn, top);
    }
  });
  return encodePng({ width: CHART_WIDTH, height: CHART_HEIGHT, palette: PALETTE, pixels });
}

/** Teams cards are limited to about 28 KB in all; one chart may take this much of it. */
const INLINE_CHART_MAX_CHARS = 12_000;

/**
 * `data:image/png;base64,…` for clients that take images inline (Teams Adaptive Cards), or null
 * when it would crowd the card (the renderer then draws the chart as text).
 */
export function inlineChartImage(chart: ChartBlock): string | null {
  const uri = `data:image/png;base64,${renderChartPng(chart.runs).toString("base64")}`;
  return uri.length <= INLINE_CHART_MAX_CHARS ? uri : null;
}
