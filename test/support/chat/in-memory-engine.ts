import type { Approval } from "#core/approvals/approval.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import { AppError } from "#core/errors.js";
import type {
  Actor,
  ApprovalExecution,
  EngineStatus,
  FailureEntry,
  OrphanReport,
  ProvisioningEngine,
  RunCounts,
  RunSummary,
  SyncScope,
  UserFacts,
} from "#core/ports/provisioning-engine.js";
import { ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { err, ok } from "#core/result.js";

export const ZERO: RunCounts = ZERO_COUNTS;

export interface FakeUser {
  readonly id: string;
  readonly upn: string;
  readonly assigned: boolean;
  readonly givenName: string | null;
}

/** A small engine with real state: users, scope, pause, runs, failures, one held batch. */
export class InMemoryEngine implements ProvisioningEngine {
  readonly kind = "native" as const;
  scope: SyncScope = "assigned";
  paused = false;
  users: FakeUser[] = [];
  linked = new Set<string>();
  runs: RunSummary[] = [];
  failing: FailureEntry[] = [];
  decided: { approvalId: string; decision: "approve" | "reject"; actor: string }[] = [];
  failNext: AppError | null = null;
  /** what `status` reports as the ABM token's expiry */
  tokenExpiresAt: Date | null = null;
  private seq = 0;

  constructor(
    private readonly now: () => Date,
    private readonly approvals: ApprovalStore,
  ) {}

  private take<T>(value: T) {
    const failure = this.failNext;
    this.failNext = null;
    return failure === null ? ok(value) : err(failure);
  }

  private inScope(user: FakeUser): boolean {
    return this.scope === "all" || user.assigned;
  }

  private cycle(kind: RunSummary["kind"], actor: Actor): RunSummary {
    let created = 0;
    let failed = 0;
    this.failing = [];
    for (const user of this.users.filter((u) => this.inScope(u))) {
      if (user.givenName === null) {
        failed += 1;
        this.failing.push({
          entraId: user.id,
          userName: user.upn,
          action: "create",
          code: "validation.missing_given_name",
          reason: "Missing given name",
          fix: "Set givenName in Entra",
          attempts: 1,
          lastAttemptAt: this.now(),
          nextRetryAt: null,
        });
      } else if (!this.linked.has(user.id)) {
        this.linked.add(user.id);
        created += 1;
      }
    }
    this.seq += 1;
    const run: RunSummary = {
      id: `run_${this.seq}`,
      kind,
      trigger: "chat",
      actor: actor.id,
      startedAt: this.now(),
      finishedAt: this.now(),
      outcome: failed > 0 ? "partial" : "succeeded",
      counts: { ...ZERO, created, failed },
      error: null,
    };
    this.runs.unshift(run);
    return run;
  }

  async status() {
    const pending = await this.approvals.pending();
    const status: EngineStatus = {
      engine: "native",
      state: this.paused ? "paused" : pending !== null ? "awaiting_approval" : "idle",
      scope: this.scope,
      paused: this.paused,
      quarantine: null,
      lastRun: this.runs[0] ?? null,
      lastSuccessfulRun: this.runs.find((r) => r.outcome === "succeeded") ?? null,
      nextRunAt: null,
      linkedUsers: this.linked.size,
      failingUsers: this.failing.length,
      pendingApproval: pending,
      tokenExpiresAt: this.tokenExpiresAt,
      notes: [],
    };
    return this.take(status);
  }
  async runCycle(request: { kind: "incremental" | "full"; actor: Actor }) {
    return this.take(this.cycle(request.kind === "full" ? "initial" : "incremental", request.actor));
  }
  async restart(actor: Actor) {
    this.linked.clear();
    return this.take(this.cycle("restart", actor));
  }
  async pause() {
    this.paused = true;
    return this.take(undefined);
  }
  async resume() {
    this.paused = false;
    return this.take(undefined);
  }
  async previewScope(scope: SyncScope) {
    const entering = this.users.filter((u) => scope === "all" && !u.assigned && this.scope === "assigned");
    const leaving = this.users.filter((u) => scope === "assigned" && !u.assigned && this.scope === "all");
    return this.take({
      from: this.scope,
      to: scope,
      entering: entering.length,
      leaving: leaving.length,
      examplesEntering: entering.slice(0, 5).map((u) => u.upn),
      examplesLeaving: leaving.slice(0, 5).map((u) => u.upn),
      wouldHold: false,
    });
  }
  async setScope(scope: SyncScope, actor: Actor) {
    this.scope = scope;
    return this.take(this.cycle("restart", actor));
  }
  async checkUser(query: string) {
    const user = this.users.find((u) => u.upn.toLowerCase() === query.toLowerCase() || u.id === query);
    return this.take({
      query,
      source:
        user === undefined
          ? null
          : { id: user.id, attributes: { userPrincipalName: user.upn, givenName: user.givenName } },
      inScope: user !== undefined && this.inScope(user),
      scopeReason: user === undefined ? "not found in Entra" : user.assigned ? "assigned to the app" : "not assigned",
      problems: problemsOf(user),
      payload: null,
      target: null,
      lastResult: null,
      notes: [],
    });
  }
  async explainUser(query: string) {
    const user = this.users.find((u) => u.upn.toLowerCase() === query.toLowerCase() || u.id === query);
    const linked = user !== undefined && this.linked.has(user.id);
    const failing = this.failing.find((f) => f.entraId === user?.id);
    const facts: UserFacts = {
      query,
      engine: "native",
      source:
        user === undefined
          ? null
          : {
              id: user.id,
              attributes: { userPrincipalName: user.upn, givenName: user.givenName, accountEnabled: true },
            },
      deleted: null,
      scope:
        user === undefined
          ? null
          : {
              mode: this.scope,
              inScope: this.inScope(user),
              path: this.scope === "all" ? null : { direct: user.assigned, groups: [], nestedGroups: [] },
            },
      problems: problemsOf(user),
      payload: null,
      link: {
        known: true,
        value: linked && user !== undefined ? { scimId: `scim-${user.id}`, userName: user.upn, active: true } : null,
      },
      lastOperation: {
        known: true,
        value:
          failing === undefined
            ? null
            : {
                at: failing.lastAttemptAt,
                action: failing.action,
                status: "failed",
                code: failing.code,
                message: failing.reason,
                fix: failing.fix,
                attempts: failing.attempts,
                nextRetryAt: null,
              },
      },
      target: { known: false, why: "The in-memory engine has no ABM." },
    };
    return this.take(facts);
  }
  async orphans() {
    const report: OrphanReport = {
      scope: this.scope,
      abmUsers: this.linked.size + 1,
      entraInScope: this.users.filter((u) => this.inScope(u)).length,
      orphans: [
        {
          scimId: "scim-by-hand",
          userName: "byhand@example.com",
          externalId: null,
          active: true,
          kind: "unlinked",
          entraId: null,
          reason: "No externalId, no link, and no Entra user in scope has this userName.",
        },
      ],
      elapsedMs: 3,
    };
    return this.take(report);
  }
  async provisionUser(query: string) {
    const user = this.users.find((u) => u.upn === query);
    if (user === undefined) return err(new AppError("engine.user_not_found", `No Entra user ${query}`));
    this.linked.add(user.id);
    return this.take({
      entraId: user.id,
      action: "create",
      status: "succeeded" as const,
      detail: "created",
      steps: [],
    });
  }
  async refreshApprovals() {
    return this.take(undefined);
  }
  async applyApproval(approval: Approval, actor: Actor) {
    this.decided.push({ approvalId: approval.id, decision: "approve", actor: actor.id });
    if (!(await this.approvals.transition(approval.id, "approved", "applied", this.now())))
      return err(new AppError("approval.not_granted", `Approval ${approval.id} is not approved.`));
    const failure = this.failNext;
    this.failNext = null;
    if (failure !== null) {
      await this.approvals.transition(approval.id, "applied", "approved", this.now());
      return err(failure);
    }
    const count = approval.payload.kind === "native_batch" ? approval.payload.removals.length : approval.payload.count;
    const execution: ApprovalExecution = {
      status: "applied",
      counts: { ...ZERO, deactivated: count },
      message: `Deactivated ${count} users`,
    };
    return ok(execution);
  }
  async rejectApproval(approval: Approval, actor: Actor) {
    this.decided.push({ approvalId: approval.id, decision: "reject", actor: actor.id });
    return this.take("Batch dropped");
  }
  async failures() {
    return this.take(this.failing as readonly FailureEntry[]);
  }
  async history(limit: number) {
    return this.take(this.runs.slice(0, limit) as readonly RunSummary[]);
  }
}

/** What the fake validation finds: a user without a given name. */
function problemsOf(user: { readonly givenName: string | null } | undefined) {
  return user?.givenName === null
    ? [
        {
          code: "validation.missing_given_name",
          field: "givenName",
          message: "Missing given name",
          fix: "Set givenName in Entra",
        },
      ]
    : [];
}
