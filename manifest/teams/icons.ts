import pngjs from "pngjs";

/**
 * Generates the two Teams app icons with pngjs: a 192×192 colour icon (white sync ring on the
 * accent colour) and a 32×32 outline icon (white ring on a transparent background, as Teams
 * requires). Deterministic: same bytes every run.
 */
const { PNG } = pngjs;

export const ACCENT = { r: 0x2f, g: 0x6f, b: 0xde } as const;

type Rgba = readonly [number, number, number, number];

function draw(size: number, background: Rgba, foreground: Rgba): Buffer {
  const png = new PNG({ width: size, height: size });
  const c = (size - 1) / 2;
  const outer = size * 0.36;
  const inner = size * 0.24;
  const dot = size * 0.09;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      // a ring with a gap at the top right (the "sync" arrow) and a dot in the middle
      const angle = Math.atan2(c - y, x - c);
      const inRing = d <= outer && d >= inner && !(angle > 0.35 && angle < 1.15);
      const arrowHead =
        x >= c + inner * 0.55 &&
        x <= c + outer * 1.05 &&
        y >= c - outer * 1.05 &&
        y <= c - inner * 0.55 &&
        x - c + (c - y) <= outer * 1.25;
      const pixel = inRing || arrowHead || d <= dot ? foreground : background;
      const i = (y * size + x) * 4;
      png.data[i] = pixel[0];
      png.data[i + 1] = pixel[1];
      png.data[i + 2] = pixel[2];
      png.data[i + 3] = pixel[3];
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  return draw(192, [ACCENT.r, ACCENT.g, ACCENT.b, 255], [255, 255, 255, 255]);
}

export function outlineIcon(): Buffer {
  return draw(32, [0, 0, 0, 0], [255, 255, 255, 255]);
}

export interface IconInfo {
  readonly width: number;
  readonly height: number;
  /** every pixel is either fully transparent or white (Teams' outline icon rule) */
  readonly whiteOnTransparent: boolean;
  readonly hasTransparency: boolean;
}

export function inspectPng(buffer: Buffer): IconInfo {
  const png = PNG.sync.read(buffer);
  let whiteOnTransparent = true;
  let hasTransparency = false;
  for (let i = 0; i < png.data.length; i += 4) {
    const a = png.data[i + 3] ?? 0;
    if (a === 0) {
      hasTransparency = true;
      continue;
    }
    if (png.data[i] !== 255 || png.data[i + 1] !== 255 || png.data[i + 2] !== 255) whiteOnTransparent = false;
  }
  return { width: png.width, height: png.height, whiteOnTransparent, hasTransparency };
}
