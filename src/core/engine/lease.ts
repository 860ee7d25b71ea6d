import { AppError, toAppError } from "../errors.js";
import { err, type Result } from "../result.js";
import type { EngineContext } from "./context.js";

/**
 * The per-connection cycle lease: one cycle (or approval batch, or on-demand provisioning) at a
 * time across every process sharing the database. Short and renewed while the work runs, so a
 * process killed mid-cycle (a replica lost with its host) blocks the next one for at most 30 s.
 */
const CYCLE_LEASE_TTL_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
const RETRY_EVERY_MS = 500;

export interface LeaseOptions {
  /** how long to wait for the lease before answering `engine.busy` (0: do not wait) */
  readonly waitMs?: number;
  readonly busyMessage?: string;
}

export async function withCycleLease<T>(
  ctx: EngineContext,
  options: LeaseOptions,
  work: () => Promise<Result<T, AppError>>,
): Promise<Result<T, AppError>> {
  const name = `cycle:${ctx.connectionId}`;
  const deadline = ctx.clock.now().getTime() + (options.waitMs ?? 0);
  while (!(await ctx.store.acquireLease(name, ctx.holderId, CYCLE_LEASE_TTL_MS, ctx.clock.now()))) {
    if (ctx.clock.now().getTime() >= deadline) {
      return err(
        new AppError(
          "engine.busy",
          options.busyMessage ??
            "A cycle is already running for this connection (in this or another process). Try again when it ends.",
          { retryable: true },
        ),
      );
    }
    await ctx.clock.sleep(RETRY_EVERY_MS);
  }
  const renewal = setInterval(() => {
    ctx.store.acquireLease(name, ctx.holderId, CYCLE_LEASE_TTL_MS, ctx.clock.now()).then(
      (held) => {
        if (!held)
          ctx.logger.error({ lease: name }, "lost the cycle lease to another process; its work may overlap this one");
      },
      (error: unknown) => ctx.logger.warn({ err: toAppError(error).message }, "could not renew the cycle lease"),
    );
  }, RENEW_EVERY_MS);
  renewal.unref();
  try {
    return await work();
  } catch (error) {
    return err(toAppError(error, "engine.failed"));
  } finally {
    clearInterval(renewal);
    await ctx.store.releaseLease(name, ctx.holderId).catch((error: unknown) => {
      ctx.logger.warn({ err: toAppError(error).message }, "could not release the cycle lease; it expires by itself");
    });
  }
}
