import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { by } from "#test/support/approvals.js";
import { addUser, type EntraFixture, entraEngineFor, theJob } from "./support/entra-fixture.js";

const actor = { id: "UOPERATOR1", platform: "slack" as const };

function must<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

describe("entra engine against the Graph emulator", () => {
  let emulator: GraphEmulator;
  let fx: EntraFixture;
  let alice: { id: string; upn: string };
  let nobody: { id: string; upn: string };
  let noName: { id: string; upn: string };

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: 7 });
    alice = addUser(emulator, "alice");
    nobody = addUser(emulator, "nobody", { assigned: false });
    noName = addUser(emulator, "noname", { givenName: null });
  });
  afterAll(async () => {
    await fx?.engine.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.synchronization.requests.length = 0;
    emulator.synchronization.denied.clear();
    fx = entraEngineFor(emulator);
  });

  it("reports a never-run job with the 0001-01-01 sentinel as never", async () => {
    const status = must(await fx.engine.status());
    expect(status.engine).toBe("entra");
    expect(status.lastSuccessfulRun).toBeNull();
    expect(status.scope).toBe("assigned");
    expect(status.notes.join(" ")).toContain("steady state never reached");
    expect(status.notes.join(" ")).toContain("threshold: 500");
  });

  it("resume starts the job; a cycle reaches steady state; pause pauses it", async () => {
    must(await fx.engine.resume(actor));
    expect(emulator.synchronization.requests.map((r) => r.path)).toEqual([
      `/v1.0/servicePrincipals/${emulator.servicePrincipalId}/synchronization/jobs/${theJob(emulator).id}/start`,
    ]);
    let status = must(await fx.engine.status());
    expect(status.state).toBe("idle");
    expect(status.lastRun?.outcome).toBe("partial"); // noname has no given name
    expect(status.notes.join(" ")).toContain("Steady state last reached");
    must(await fx.engine.pause(actor));
    status = must(await fx.engine.status());
    expect(status.state).toBe("paused");
    expect(status.paused).toBe(true);
    expect(status.nextRunAt).toBeNull();
    must(await fx.engine.resume(actor));
    expect(must(await fx.engine.history(10)).length).toBeGreaterThan(0);
  });

  it("restart sends an empty criteria like the portal", async () => {
    const run = must(await fx.engine.restart(actor, "chat"));
    expect(run.kind).toBe("restart");
    const [request] = emulator.synchronization.requests;
    expect(request?.path).toMatch(/\/restart$/);
    expect(request?.body).toEqual({ criteria: {} });
  });

  it("changes the scope by merging SyncAll only, keeps SecretToken, never returns it, then restarts", async () => {
    const before = emulator.synchronization.secrets.map((s) => ({ ...s }));
    const token = before.find((s) => s.key === "SecretToken")?.value ?? "";
    const preview = must(await fx.engine.previewScope("all"));
    expect(preview.entering).toBeGreaterThanOrEqual(1);
    expect(preview.examplesEntering).toContain(nobody.upn);
    const run = must(await fx.engine.setScope("all", actor));
    expect(JSON.stringify(run)).not.toContain(token);
    const [put, restart] = emulator.synchronization.requests;
    expect(put?.method).toBe("PUT");
    expect(put?.body).toEqual({
      value: before.map((s) => (s.key === "SyncAll" ? { key: "SyncAll", value: "true" } : s)),
    });
    expect(restart?.body).toEqual({ criteria: {} });
    const status = must(await fx.engine.status());
    expect(status.scope).toBe("all");
    expect(JSON.stringify(status)).not.toContain(token);
    must(await fx.engine.setScope("assigned", actor));
    expect(emulator.synchronization.syncAll()).toBe(false);
  });

  it("reads and sets the deletion threshold and turns Entra's e-mail off by merge", async () => {
    expect(must(await fx.engine.deletionThreshold())).toEqual({ enabled: true, value: 500 });
    must(await fx.engine.setDeletionThreshold({ value: 50 }));
    must(await fx.engine.setEmailNotifications(false));
    const raw = emulator.synchronization.secrets.find((s) => s.key === "SyncNotificationSettings")?.value ?? "";
    expect(JSON.parse(raw)).toEqual({
      Enabled: false,
      Recipients: "it@contoso.com",
      DeleteThresholdEnabled: true,
      DeleteThresholdValue: 50,
    });
    expect(emulator.synchronization.threshold()).toEqual({ enabled: true, value: 50 });
    must(await fx.engine.setDeletionThreshold({ value: 500 }));
  });

  const vote = (decision: "approve" | "reject") => ({
    actorId: actor.id,
    actorName: "Admin",
    platform: "cli" as const,
    decision,
    at: new Date(),
  });

  it("TooManyDeletes → one stable approval in the store → approve = restart ForceDeletes exactly → released", async () => {
    emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 612);
    must(await fx.engine.refreshApprovals());
    const pending = await fx.approvals.pending();
    expect(pending?.payload).toMatchObject({ kind: "entra_quarantine", count: 612 });
    expect(pending?.id).toMatch(/^apr_entra_/);
    must(await fx.engine.refreshApprovals());
    expect((await fx.approvals.pending())?.id).toBe(pending?.id);
    expect(must(await fx.engine.status()).state).toBe("awaiting_approval");
    const id = pending?.id ?? "";
    const voted = await fx.approvals.vote(id, vote("approve"), new Date(), by);
    const outcome = must(await fx.engine.applyApproval(voted?.approval ?? expect.unreachable(), actor));
    expect(outcome.status).toBe("applied");
    expect(emulator.synchronization.requests).toEqual([
      { method: "POST", path: expect.stringMatching(/\/restart$/), body: { criteria: { resetScope: "ForceDeletes" } } },
    ]);
    expect(theJob(emulator).code).toBe("Active");
    expect((await fx.approvals.get(id))?.status).toBe("applied");
    must(await fx.engine.refreshApprovals());
    expect(await fx.approvals.pending()).toBeNull();
    // applying again finds nothing to claim: the restart was sent once
    const again = await fx.engine.applyApproval((await fx.approvals.get(id)) ?? expect.unreachable(), actor);
    expect(again.ok).toBe(false);
    expect(emulator.synchronization.requests).toHaveLength(1);
  });

  it("reject leaves the job quarantined and says what to fix", async () => {
    emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 700);
    must(await fx.engine.refreshApprovals());
    const id = (await fx.approvals.pending())?.id ?? "";
    const voted = await fx.approvals.vote(id, vote("reject"), new Date(), by);
    const message = must(await fx.engine.rejectApproval(voted?.approval ?? expect.unreachable(), actor));
    expect(message).toContain("keeps the job quarantined");
    expect(message).toMatch(/re-assign|threshold/);
    expect(emulator.synchronization.requests).toEqual([]);
    expect(theJob(emulator).code).toBe("Quarantine");
    expect(must(await fx.engine.status()).state).toBe("deletions_rejected");
    const again = await fx.engine.applyApproval((await fx.approvals.get(id)) ?? expect.unreachable(), actor);
    expect(again.ok).toBe(false);
    emulator.synchronization.restart(theJob(emulator), null);
  });

  it("a pending approval whose quarantine ended is withdrawn, and says so", async () => {
    emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 640);
    must(await fx.engine.refreshApprovals());
    const id = (await fx.approvals.pending())?.id ?? "";
    emulator.synchronization.restart(theJob(emulator), null);
    must(await fx.engine.refreshApprovals());
    expect((await fx.approvals.get(id))?.status).toBe("withdrawn");
    expect(fx.events).toContainEqual({
      type: "approval_changed",
      approval: expect.objectContaining({ id, status: "withdrawn" }),
    });
  });

  it("translates a credential quarantine for humans", async () => {
    emulator.synchronization.quarantine(theJob(emulator), "EncounteredQuarantineException");
    const status = must(await fx.engine.status());
    expect(status.state).toBe("quarantined");
    expect(status.quarantine?.reason).toContain("SCIM token");
    expect(status.quarantine?.nextAttemptAt).not.toBeNull();
    must(await fx.engine.refreshApprovals());
    expect(await fx.approvals.pending()).toBeNull();
    must(await fx.engine.resume(actor));
    expect(must(await fx.engine.status()).state).toBe("idle");
  });

  it("checks a user read-only: attributes, scope, validation, latest log entries", async () => {
    emulator.synchronization.addLog({
      userId: noName.id,
      errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
      reason: "givenName is required",
    });
    const check = must(await fx.engine.checkUser(noName.upn));
    expect(check.source?.id).toBe(noName.id);
    expect(check.inScope).toBe(true);
    expect(check.problems.map((p) => p.field)).toContain("givenName");
    expect(check.lastResult?.status).toBe("failure");
    expect(check.notes.join(" ")).toContain("givenName is required");
    const outside = must(await fx.engine.checkUser(nobody.upn));
    expect(outside.inScope).toBe(false);
    expect(must(await fx.engine.checkUser("ghost@contoso.com")).source).toBeNull();
    expect(emulator.synchronization.requests).toEqual([]);
  });

  it("why: the same steps as check; Entra keeps the link and ABM is not read, so those steps say so", async () => {
    emulator.synchronization.addLog({
      userId: noName.id,
      errorCode: "SystemForCrossDomainIdentityManagementConflict",
      reason: "userName taken",
    });
    const facts = must(await fx.engine.explainUser(noName.upn));
    expect(facts.engine).toBe("entra");
    expect(facts.source?.id).toBe(noName.id);
    expect(facts.scope?.inScope).toBe(true);
    expect(facts.problems.map((p) => p.field)).toContain("givenName");
    expect(facts.link.known).toBe(false);
    expect(facts.target.known).toBe(false);
    expect(facts.lastOperation).toMatchObject({
      known: true,
      value: { code: "SystemForCrossDomainIdentityManagementConflict", message: "userName taken" },
    });
    expect(facts.lastOperation.known && facts.lastOperation.value?.fix).toContain("another Apple Account");
    const outside = must(await fx.engine.explainUser(nobody.upn));
    expect(outside.scope).toMatchObject({ mode: "assigned", inScope: false });
    const ghost = must(await fx.engine.explainUser("ghost@contoso.com"));
    expect(ghost.source).toBeNull();
    expect(ghost.deleted).toBeNull();
    const orphans = await fx.engine.orphans();
    expect(orphans.ok || orphans.error.code).toBe("engine.unsupported");
    expect(emulator.synchronization.requests).toEqual([]);
  });

  it("provisions on demand with the schema's user rule and maps the steps; the 6th call in 10 s says when to retry", async () => {
    const result = must(await fx.engine.provisionUser(alice.upn, actor));
    expect(result.steps.map((s) => s.name)).toEqual(["import", "scoping", "matching", "export"]);
    const [call] = emulator.synchronization.requests;
    expect(call?.body).toEqual({
      parameters: [
        { ruleId: "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8", subjects: [{ objectId: alice.id, objectTypeName: "User" }] },
      ],
    });
    const failed = must(await fx.engine.provisionUser(noName.upn, actor));
    expect(failed.status).toBe("failed");
    expect(failed.detail).toContain("givenName");
    for (let i = 0; i < 3; i++) must(await fx.engine.provisionUser(alice.upn, actor));
    const limited = await fx.engine.provisionUser(alice.upn, actor);
    expect(limited.ok).toBe(false);
    if (!limited.ok) {
      expect(limited.error.code).toBe("engine.rate_limited");
      expect(limited.error.retryable).toBe(true);
      expect(limited.error.message).toMatch(/try again in \d+ s/);
      expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it("server-side 429 from provisionOnDemand also becomes the rate-limit message", async () => {
    const other = entraEngineFor(emulator); // its own limiter: the emulator's per-job window still holds
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await other.engine.provisionUser(alice.upn, actor));
    await other.engine.close();
    const refused = answers.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) if (!a.ok) expect(a.error.code).toBe("engine.rate_limited");
  });
});
