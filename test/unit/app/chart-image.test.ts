import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  barGeometry,
  CHART_BASE_Y,
  CHART_HEIGHT,
  CHART_TOP_Y,
  CHART_WIDTH,
  inlineChartImage,
  renderChartPng,
  SERIES_COLOUR,
} from "#app/charts/chart-image.js";
import { PNG_SIGNATURE } from "#app/charts/png.js";
import type { RunBar } from "#core/chat/reply.js";

/** Reads back what the encoder wrote: IHDR, and the pixel indices from the inflated IDAT (filter 0 rows). */
function decode(png: Buffer) {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const chunks = new Map<string, Buffer>();
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.set(png.toString("latin1", at + 4, at + 8), png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const ihdr = chunks.get("IHDR") as Buffer;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(chunks.get("IDAT") as Buffer);
  expect(raw.length).toBe((width + 1) * height);
  const at = (x: number, y: number) => raw[y * (width + 1) + 1 + x];
  return { width, height, depth: ihdr[8], colourType: ihdr[9], at, chunks: [...chunks.keys()] };
}

const bar = (label: string, created: number, updated = 0, deactivated = 0, failed = 0): RunBar => ({
  label,
  created,
  updated,
  deactivated,
  failed,
});

/** pixels of `colour` in the column through the middle of bar `index` */
function height(image: ReturnType<typeof decode>, count: number, index: number, colour: number): number {
  const geometry = barGeometry(count)[index];
  if (geometry === undefined) throw new Error("no bar");
  const x = geometry.x + Math.floor(geometry.width / 2);
  let n = 0;
  for (let y = 0; y < image.height; y += 1) if (image.at(x, y) === colour) n += 1;
  return n;
}

describe("the run chart PNG", () => {
  it("is a valid indexed PNG of the chart's size", () => {
    const image = decode(renderChartPng([bar("a", 1)]));
    expect([image.width, image.height, image.depth, image.colourType]).toEqual([CHART_WIDTH, CHART_HEIGHT, 8, 3]);
    expect(image.chunks).toEqual(["IHDR", "PLTE", "IDAT", "IEND"]);
  });

  it("draws bar heights in proportion to the counts, stacked created → failed", () => {
    const runs = [bar("1", 100), bar("2", 50), bar("3", 20, 10, 10, 10), bar("4", 0)];
    const image = decode(renderChartPng(runs));
    const span = CHART_BASE_Y - CHART_TOP_Y;
    const created = runs.map((_, i) => height(image, runs.length, i, SERIES_COLOUR.created));
    expect(created[0]).toBe(span);
    expect(created[1]).toBe(Math.round(span / 2));
    expect(created[3]).toBe(0);
    // the stacked bar: 20/10/10/10 of 100 → 20 %, then 10 % each, failed on top
    const stack = (["created", "updated", "deactivated", "failed"] as const).map((s) =>
      height(image, runs.length, 2, SERIES_COLOUR[s]),
    );
    for (const [i, share] of [0.2, 0.1, 0.1, 0.1].entries())
      expect(Math.abs((stack[i] ?? 0) - share * span)).toBeLessThanOrEqual(1);
    const geometry = barGeometry(runs.length)[2];
    const x = (geometry?.x ?? 0) + 1;
    expect(image.at(x, CHART_BASE_Y - 1)).toBe(SERIES_COLOUR.created);
    expect(image.at(x, CHART_BASE_Y - (stack[0] ?? 0) - (stack[1] ?? 0) - (stack[2] ?? 0) - 1)).toBe(
      SERIES_COLOUR.failed,
    );
  });

  it("is small enough to travel inside a Teams card (30 runs)", () => {
    const runs = Array.from({ length: 30 }, (_, i) => bar(String(i), i * 7, i % 5, i % 3, i % 4));
    const uri = inlineChartImage({ type: "chart", title: "Runs", runs });
    expect(uri).toMatch(/^data:image\/png;base64,/);
    expect(uri?.length ?? 0).toBeLessThan(6_000);
  });
});
