import type { Clock } from "#core/clock.js";
import type { ScimClientStatus } from "#core/ports/scim-target.js";
import type { ConcurrencyController, Outcome } from "./concurrency-controller.js";
import { parseRetryAfter } from "./errors.js";
import { type HttpResponse, TransportError } from "./http-transport.js";
import { createPacer } from "./pacer.js";

/**
 * The gate every SCIM request of one target passes: at most `controller.limit()` in flight (the
 * rest wait in arrival order), none while a Retry-After pause runs (a 429's Retry-After starts one
 * before the next waiting request is let through), and starts spaced by the controller's pace
 * (pacer.ts).
 * Each answer is reported to the controller.
 */
export interface ConcurrencyLimiter {
  run(task: () => Promise<HttpResponse>, signal?: AbortSignal): Promise<HttpResponse>;
  readonly active: () => number;
  status(): ScimClientStatus;
}

function outcomeOf(status: number): Outcome {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "ok";
}

interface Waiter {
  resolve(): void;
  cancelled: boolean;
}

export function createLimiter(controller: ConcurrencyController, clock: Clock): ConcurrencyLimiter {
  const now = (): number => clock.now().getTime();
  let active = 0;
  let queue: Waiter[] = [];
  let head = 0;
  let pausedUntil = 0;
  const pacer = createPacer();

  function pump(): void {
    while (active < controller.limit() && head < queue.length) {
      const next = queue[head] as Waiter;
      head++;
      if (next.cancelled) continue;
      active++;
      next.resolve();
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  function acquire(signal: AbortSignal | undefined): Promise<void> {
    if (active < controller.limit() && head === queue.length) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new TransportError("aborted", "request aborted"));
        return;
      }
      const onAbort = (): void => {
        waiter.cancelled = true;
        reject(new TransportError("aborted", "request aborted"));
      };
      const waiter: Waiter = {
        cancelled: false,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }

  async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await clock.sleep(ms, signal);
    } catch (cause) {
      throw new TransportError("aborted", "request aborted", { cause });
    }
  }

  /** waits out a Retry-After pause, then for this request's turn under the pace */
  async function gate(signal: AbortSignal | undefined): Promise<void> {
    for (let waits = 0; waits < 100; waits++) {
      const t = now();
      if (pausedUntil > t) {
        await sleep(pausedUntil - t, signal);
        continue;
      }
      const interval = controller.paceIntervalMs();
      if (interval === null) return;
      const wait = pacer.reserve(t, 1000 / interval);
      if (wait <= 0) return;
      await sleep(wait, signal);
      if (pausedUntil <= now()) return;
    }
  }

  function pause(until: number): void {
    const from = Math.max(pausedUntil, now());
    if (until <= from) return;
    const interval = controller.paceIntervalMs();
    if (interval !== null) pacer.paused(from, until, 1000 / interval);
    pausedUntil = until;
  }

  return {
    async run(task, signal) {
      await acquire(signal);
      let ticket: ReturnType<ConcurrencyController["begin"]> | undefined;
      try {
        await gate(signal);
        ticket = controller.begin(now());
        const response = await task();
        controller.end(ticket, outcomeOf(response.status), now());
        if (response.status === 429) {
          const retryAfterMs = parseRetryAfter(response.header("retry-after"), clock.now());
          if (retryAfterMs !== undefined) pause(now() + retryAfterMs);
        }
        return response;
      } catch (error) {
        if (ticket !== undefined) controller.end(ticket, "no_answer", now());
        throw error;
      } finally {
        active--;
        pump();
      }
    },
    active: () => active,
    status: () => controller.snapshot(),
  };
}
