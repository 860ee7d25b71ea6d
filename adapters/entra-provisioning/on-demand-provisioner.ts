import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { Actor, ProvisionResult } from "#core/ports/provisioning-engine.js";
import { err, type Result } from "#core/result.js";
import { parseOnDemand } from "./on-demand.js";
import { createOnDemandLimiter } from "./on-demand-limiter.js";
import type { SyncApi } from "./sync-api.js";

/**
 * `provisionUser()`: the user looked up in Entra, the job's user rule, then `provisionOnDemand`
 * (5 calls per 10 s per job, kept client-side; a server 429 answers the same way).
 */
export function createOnDemandProvisioner(deps: {
  readonly api: SyncApi;
  readonly clock: Clock;
  readonly logger: Logger;
}) {
  const { api } = deps;
  const limiter = createOnDemandLimiter(deps.clock);
  return async (query: string, actor: Actor): Promise<Result<ProvisionResult, AppError>> => {
    const job = await api.findJob();
    if (!job.ok) return job;
    const wait = limiter.take(job.value.id);
    if (wait !== null) return err(limiter.error(wait));
    const user = await api.user(query, []);
    if (!user.ok) return user;
    if (user.value === null) {
      return err(
        new AppError("engine.user_not_found", `No Entra user matches ${query} (object id, userPrincipalName or mail).`),
      );
    }
    const rule = await api.userRuleId(job.value.id);
    if (!rule.ok) return rule;
    const answer = await api.provisionOnDemand(job.value.id, rule.value, user.value.id);
    if (!answer.ok) {
      return err(
        answer.error.code === "graph.throttled" ? limiter.error(answer.error.retryAfterMs ?? 10_000) : answer.error,
      );
    }
    deps.logger.info({ user: user.value.id, actor: actor.id }, "provisioned on demand through Entra");
    return parseOnDemand(user.value.id, answer.value.key, answer.value.value);
  };
}
