import type { Clock } from "#core/clock.js";
import type { Logger } from "#core/logger.js";

/**
 * Runs scheduled cycles. The schedule lives in the database, not in this process: `dueAt()` is
 * computed from the last run's start, the interval, pause and quarantine back-off, and the engine
 * takes a per-connection lease before running. So any number of replicas can run this loop and
 * exactly one cycle runs per connection at a time, at the configured interval.
 */
export interface ScheduleTarget {
  /** when the next cycle is due; null while paused or waiting for an approval */
  dueAt(): Promise<Date | null>;
  /** runs one scheduled cycle (the engine refuses politely when another process holds the lease) */
  runScheduled(): Promise<void>;
}

export interface Scheduler {
  start(): void;
  /** stops after the cycle in flight, if any */
  stop(): Promise<void>;
  /** wakes the loop now (after resume, a config change, a chat `sync`) */
  poke(): void;
}

export interface SchedulerOptions {
  readonly target: ScheduleTarget;
  readonly clock: Clock;
  readonly logger: Logger;
  /** how often to re-read `dueAt` while waiting (pause/resume from another replica) */
  readonly pollMs?: number;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const pollMs = options.pollMs ?? 5_000;
  let controller: AbortController | null = null;
  let wake: AbortController = new AbortController();
  let loop: Promise<void> | null = null;

  async function waitFor(ms: number, stop: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([stop, wake.signal]);
    await options.clock.sleep(Math.max(0, ms), signal).catch(() => undefined);
    if (wake.signal.aborted) wake = new AbortController();
  }

  async function run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      let due: Date | null;
      try {
        due = await options.target.dueAt();
      } catch (error) {
        options.logger.error({ err: (error as Error).message }, "scheduler could not read the schedule");
        await waitFor(pollMs, stop);
        continue;
      }
      const now = options.clock.now().getTime();
      if (due === null || due.getTime() > now) {
        await waitFor(due === null ? pollMs : Math.min(pollMs, due.getTime() - now), stop);
        continue;
      }
      try {
        await options.target.runScheduled();
      } catch (error) {
        options.logger.error({ err: (error as Error).message }, "scheduled cycle failed");
        await waitFor(pollMs, stop);
      }
    }
  }

  return {
    start() {
      if (controller !== null) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop() {
      controller?.abort();
      await loop;
      controller = null;
      loop = null;
    },
    poke() {
      wake.abort();
    },
  };
}
