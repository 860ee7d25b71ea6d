import type { LogFields, Logger } from "#core/logger.js";

export interface PhaseMark {
  readonly message: string;
  readonly at: number;
  readonly fields: LogFields;
}

/**
 * A Logger that drops everything but remembers when each info line was written (performance.now()),
 * so a bench can cut a cycle into phases from the engine's own "read Entra" / "listed ABM" /
 * "planned" / "cycle finished" lines. Warnings and errors are counted and kept for the report.
 */
export function createPhaseLogger(): { logger: Logger; marks: PhaseMark[]; problems: PhaseMark[]; clear(): void } {
  const marks: PhaseMark[] = [];
  const problems: PhaseMark[] = [];
  const make = (bound: LogFields): Logger => ({
    debug: () => undefined,
    info: (fields, message) => {
      marks.push({ message, at: performance.now(), fields: { ...bound, ...fields } });
    },
    warn: (fields, message) => {
      problems.push({ message, at: performance.now(), fields: { ...bound, ...fields } });
    },
    error: (fields, message) => {
      problems.push({ message, at: performance.now(), fields: { ...bound, ...fields } });
    },
    child: (fields) => make({ ...bound, ...fields }),
  });
  return {
    logger: make({}),
    marks,
    problems,
    clear() {
      marks.length = 0;
      problems.length = 0;
    },
  };
}

/**
 * Phase durations in seconds between consecutive engine lines, from `start`, in the order the lines
 * came. An incremental cycle: read_entra (start → "read Entra"), plan (→ "planned"), apply (→
 * "cycle finished"). A full cycle, planned and applied in slices: list_abm (start → "listed ABM"),
 * slices (→ "read Entra": Entra read page by page, every slice planned and applied), end (→
 * "planned": the links the source no longer holds, the deferred claims, the threshold), finish
 * (→ "cycle finished": removals, watermark, run record). Missing lines give no key.
 */
export function phaseTimes(marks: readonly PhaseMark[], start: number): Record<string, number> {
  const at = (message: string): number | undefined => marks.find((m) => m.message === message)?.at;
  const full = at("listed ABM") !== undefined;
  const steps: [string, string][] = full
    ? [
        ["list_abm", "listed ABM"],
        ["slices", "read Entra"],
        ["end", "planned"],
        ["finish", "cycle finished"],
      ]
    : [
        ["read_entra", "read Entra"],
        ["plan", "planned"],
        ["apply", "cycle finished"],
      ];
  const out: Record<string, number> = {};
  let previous = start;
  for (const [key, message] of steps) {
    const t = at(message);
    if (t === undefined) continue;
    out[key] = (t - previous) / 1000;
    previous = t;
  }
  return out;
}
