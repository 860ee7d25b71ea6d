import type { Clock } from "#core/clock.js";

/**
 * One background loop: runs `step` until stopped, waiting as long as each step asks (0: go on at
 * once). `stop` aborts the wait and the step's signal, then waits for the step in flight. The
 * outbox, digest and Apple audit workers each run one.
 */
export interface Repeater {
  start(): void;
  stop(): Promise<void>;
}

export function createRepeater(clock: Clock, step: (signal: AbortSignal) => Promise<number>): Repeater {
  let running: Promise<void> | null = null;
  let abort: AbortController | null = null;
  return {
    start() {
      if (running !== null) return;
      const controller = new AbortController();
      abort = controller;
      running = (async () => {
        while (!controller.signal.aborted) {
          const waitMs = await step(controller.signal);
          if (waitMs > 0) await clock.sleep(waitMs, controller.signal).catch(() => undefined);
        }
      })();
    },
    async stop() {
      abort?.abort();
      await running;
      running = null;
      abort = null;
    },
  };
}
