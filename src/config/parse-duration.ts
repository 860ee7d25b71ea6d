import { err, ok, type Result } from "#core/result.js";
import type { Invalid } from "./invalid.js";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

export interface DurationBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Parses `500ms`, `60s`, `40m`, `2h`, `1d` and compounds such as `1h30m` into milliseconds.
 * A bare number is refused: the unit is what makes `40` unambiguous.
 */
export function parseDuration(text: string, bounds: DurationBounds): Result<number, Invalid> {
  const value = text.trim().toLowerCase();
  if (!WHOLE.test(value)) {
    return err({
      reason: "is not a duration",
      fix: "write a number with a unit: ms, s, m, h or d (e.g. 40m, 60s, 1h30m)",
    });
  }
  let total = 0;
  for (const match of value.matchAll(PART)) {
    const amount = Number(match[1]);
    const unit = match[2] as Unit;
    total += amount * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(total)) {
    return err({ reason: "is far too long", fix: `use at most ${formatDuration(bounds.maxMs)}` });
  }
  if (total < bounds.minMs) {
    return err({
      reason: `is shorter than ${formatDuration(bounds.minMs)}`,
      fix: `use ${formatDuration(bounds.minMs)} or more`,
    });
  }
  if (total > bounds.maxMs) {
    return err({
      reason: `is longer than ${formatDuration(bounds.maxMs)}`,
      fix: `use ${formatDuration(bounds.maxMs)} or less`,
    });
  }
  return ok(total);
}

/** The shortest exact spelling of a duration: 2400000 → `40m`, 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const size = UNIT_MS[unit];
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}
