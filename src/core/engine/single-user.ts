import { AppError } from "../errors.js";
import { type Actor, type ProvisionResult, type UserCheck, unknownUserCheck } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { planSync } from "../sync/planner.js";
import { prepareUsers } from "../sync/prepare.js";
import type { SourceUser } from "../users.js";
import { applyOps } from "./apply.js";
import type { EngineContext } from "./context.js";
import { withCycleLease } from "./lease.js";
import { withRun } from "./run.js";
import { findSource, findTarget, scopeFacts, scopeReason } from "./user-facts.js";

export async function checkUser(ctx: EngineContext, query: string): Promise<Result<UserCheck, AppError>> {
  const source = await findSource(ctx, query);
  if (!source.ok) return err(source.error);
  if (source.value === null) {
    return ok(unknownUserCheck(query));
  }
  const user = source.value;
  const scope = await scopeFacts(ctx, user.id);
  if (!scope.ok) return err(scope.error);
  const [planned] = prepareUsers([user], ctx.map, { verifiedDomains: ctx.verifiedDomains });
  const payload = planned?.target ?? null;
  const target = await findTarget(ctx, user.id, payload?.userName ?? "");
  if (!target.ok) return err(target.error);
  const failure = (await ctx.store.failures()).find((f) => f.entraId === user.id);
  const [link] = await ctx.store.linksFor([user.id]);
  const notes: string[] = [];
  if (link !== undefined) notes.push(`Linked to ABM user ${link.scimId} (${link.active ? "active" : "inactive"}).`);
  else notes.push("Not linked to an ABM user yet.");
  return ok({
    query,
    source: user,
    inScope: scope.value.inScope,
    scopeReason: scopeReason(scope.value),
    problems: planned?.problems ?? [],
    payload,
    target: target.value,
    lastResult:
      failure === undefined
        ? null
        : {
            at: failure.lastAttemptAt,
            action: failure.action,
            status: "failed",
            detail: `${failure.code}: ${failure.reason}`,
          },
    notes,
  });
}

/** Provision one user now, as Entra's "Provision on demand" does, under the cycle lease. */
export async function provisionUser(
  ctx: EngineContext,
  query: string,
  actor: Actor,
): Promise<Result<ProvisionResult, AppError>> {
  const source = await findSource(ctx, query);
  if (!source.ok) return err(source.error);
  if (source.value === null)
    return err(
      new AppError("engine.user_not_found", `No Entra user matches ${query} (object id, userPrincipalName or mail).`),
    );
  const user = source.value;
  const steps: Step[] = [{ name: "import", status: "succeeded", detail: `Read ${user.id} from Entra.` }];
  const scope = await scopeFacts(ctx, user.id);
  if (!scope.ok) return err(scope.error);
  steps.push({
    name: "scoping",
    status: scope.value.inScope ? "in scope" : "out of scope",
    detail: scopeReason(scope.value),
  });
  return withCycleLease<ProvisionResult>(
    ctx,
    { busyMessage: "A cycle is running; it will pick this user up, or try again when it ends." },
    () => provisionLocked(ctx, { user, inScope: scope.value.inScope, actor, steps }),
  );
}

type Step = { name: string; status: string; detail: string };

/** match → plan → export, under the lease, in a `single_user` run when there is something to do */
async function provisionLocked(
  ctx: EngineContext,
  args: { readonly user: SourceUser; readonly inScope: boolean; readonly actor: Actor; readonly steps: Step[] },
): Promise<Result<ProvisionResult, AppError>> {
  const { user, inScope, actor, steps } = args;
  const links = await ctx.store.linksFor([user.id]);
  const planned = prepareUsers([user], ctx.map, { verifiedDomains: ctx.verifiedDomains });
  const target = await findTarget(ctx, user.id, planned[0]?.target.userName ?? "");
  if (!target.ok) return err(target.error);
  steps.push({
    name: "matching",
    status: target.value === null ? "no match" : "matched",
    detail:
      target.value === null
        ? "No ABM user has this externalId or userName."
        : `ABM user ${target.value.id} (${target.value.userName}).`,
  });
  const plan = planSync({
    kind: "incremental",
    users: inScope ? planned : [],
    outOfScope: inScope ? [] : [user.id],
    links,
    targetUsers: target.value === null ? [] : [target.value],
    policy: ctx.policy,
  });
  const [op] = plan.ops;
  if (op === undefined) {
    steps.push({ name: "export", status: "skipped", detail: "ABM already has this user as Entra describes it." });
    return ok({ entraId: user.id, action: "none", status: "skipped", detail: "Nothing to change.", steps });
  }
  const trigger = actor.platform === "cli" ? "cli" : "chat";
  const ended = await withRun(ctx, { kind: "single_user", trigger, actor: actor.id }, async (run) => {
    const result = await applyOps([op], {
      runId: run.id,
      store: ctx.store,
      target: ctx.target,
      concurrency: 1,
      clock: ctx.clock,
      ids: ctx.ids,
      links: new Map(links.map((l) => [l.entraId, l] as const)),
      attempts: new Map(),
    });
    return ok({ counts: result.counts, attempted: result.attempted, value: undefined });
  });
  if (!ended.ok) return err(ended.error);
  const failed = ended.run.counts.failed > 0;
  const skipped = op.action === "skip";
  const failure = failed ? (await ctx.store.failures()).find((f) => f.entraId === user.id) : undefined;
  const detail = skipped
    ? op.problems.map((p) => `${p.message} Fix: ${p.fix}`).join(" ")
    : failed
      ? `${failure?.reason ?? "failed"} ${failure?.fix ?? ""}`.trim()
      : `${op.action}: ${op.reason}`;
  const status = skipped ? "skipped" : failed ? "failed" : "succeeded";
  steps.push({ name: "export", status, detail });
  return ok({ entraId: user.id, action: op.action, status, detail, steps });
}
