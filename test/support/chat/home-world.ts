import type { RunSummary } from "#core/ports/provisioning-engine.js";
import { ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { type createHarness, heldBatch } from "./harness.js";

/**
 * A harness seeded for the home screen: four runs (the newest first, as engines answer), three
 * failing users under two reasons, and a held batch of 12 deactivations.
 */
export async function seedHome(h: ReturnType<typeof createHarness>): Promise<void> {
  const at = (minutes: number) => new Date(h.clock.now().getTime() - minutes * 60_000);
  const run = (id: string, minutes: number, counts: Partial<RunSummary["counts"]>): RunSummary => ({
    id,
    kind: "incremental",
    trigger: "schedule",
    actor: "system",
    startedAt: at(minutes),
    finishedAt: at(minutes - 1),
    outcome: (counts.failed ?? 0) > 0 ? "partial" : "succeeded",
    counts: { ...ZERO_COUNTS, ...counts },
    error: null,
  });
  h.engine.runs = [
    run("run_4", 10, { created: 2, updated: 1, failed: 3, held: 12 }),
    run("run_3", 50, { updated: 4, deactivated: 2 }),
    run("run_2", 90, { created: 40, updated: 10, failed: 2 }),
    run("run_1", 130, { created: 120 }),
  ];
  const failure = (userName: string, code: string, reason: string) => ({
    entraId: `id-${userName}`,
    userName,
    action: "create",
    code,
    reason,
    fix: "Fix it in Entra",
    attempts: 2,
    lastAttemptAt: h.clock.now(),
    nextRetryAt: null,
  });
  h.engine.failing = [
    failure("ann@example.com", "validation.missing_given_name", "Missing given name"),
    failure("bo@example.com", "validation.missing_given_name", "Missing given name"),
    failure("cy@example.com", "abm.uniqueness", "A personal Apple Account uses this address"),
  ];
  h.engine.tokenExpiresAt = new Date(h.clock.now().getTime() + 45 * 86_400_000 + 3_600_000);
  await h.hold(heldBatch(h.clock, 12, "apr_home1"));
}
