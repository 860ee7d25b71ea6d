/**
 * The test files that run longest (tens of seconds to minutes: child processes, 1,000–5,000 user
 * cycles on PGlite), longest first, as measured on the 2-core CI box (every file over 8 s in the
 * clean-clone run of stop 26). Vitest starts them first so
 * they overlap with the short ones instead of starting last and running alone: its own ordering
 * (longest first) needs the results cache in node_modules/.vite, which `npm ci` in CI removes, and
 * then it falls back to the largest file first. The order changes only how long the run takes
 * (vitest.config.ts; a unit test checks every path still names a test file).
 */
export const SLOWEST_FIRST: readonly string[] = [
  "test/e2e/full-cycle-slices.test.ts",
  "test/e2e/replicas.test.ts",
  "test/e2e/teams-playground.test.ts",
  "test/integration/cli/entra-approvals-bin.test.ts",
  "test/e2e/faults.test.ts",
  "test/integration/cli/graph-calls-bin.test.ts",
  "test/e2e/kill-restart.test.ts",
  "test/integration/db/pglite-first-start.test.ts",
  "test/integration/cli/history-limit-bin.test.ts",
  "test/e2e/initial-sync.test.ts",
  "test/e2e/lost-answers.test.ts",
  "test/e2e/bad-values.test.ts",
  "test/integration/apple-business/reconcile-last-report.test.ts",
  "test/integration/alerts/apple-audit-once.test.ts",
  "test/integration/app/two-organizations.test.ts",
  "test/integration/cli/lazy-adapters-bin.test.ts",
  "test/integration/cli/admin-socket.test.ts",
  "test/integration/cli/abm-bin.test.ts",
  "test/integration/apple-business/reconcile.test.ts",
];
