import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The test files that run longest (tens of seconds to minutes: child processes, 1,000–5,000 user
 * cycles on PGlite), longest first, as measured on the 2-core CI box. Vitest starts them first so
 * they overlap with the short ones instead of starting last and running alone: its own ordering
 * (longest first) needs the results cache in node_modules/.vite, which `npm ci` in CI removes, and
 * then it falls back to the largest file first. The order changes only how long the run takes.
 */
const SLOWEST_FIRST = [
  "test/e2e/full-cycle-slices.test.ts",
  "test/integration/cli/graph-calls-bin.test.ts",
  "test/e2e/kill-restart.test.ts",
  "test/integration/cli/entra-approvals-bin.test.ts",
  "test/e2e/bad-values.test.ts",
  "test/e2e/initial-sync.test.ts",
  "test/e2e/faults.test.ts",
  "test/e2e/replicas.test.ts",
  "test/integration/apple-business/reconcile.test.ts",
  "test/e2e/lost-answers.test.ts",
  "test/e2e/teams-playground.test.ts",
  "test/integration/db/pglite-first-start.test.ts",
  "test/integration/cli/lazy-adapters-bin.test.ts",
  "test/integration/db/client.test.ts",
  "test/integration/cli/admin-socket.test.ts",
  "test/integration/cli/abm-bin.test.ts",
  "test/e2e/incremental.test.ts",
  "test/integration/cli/history-limit-bin.test.ts",
];

class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const at = SLOWEST_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId));
      return at === -1 ? SLOWEST_FIRST.length : at;
    };
    // stable: the files not listed keep vitest's order (integration before unit, longest known first)
    return ordered
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}

/**
 * Two projects: `unit` (pure logic, *.test.ts under test/unit) and `integration`
 * (real HTTP on loopback, real databases, emulators: test/integration and test/e2e).
 */
export default defineConfig({
  test: {
    // most integration time is spent waiting on loopback servers, PGlite start-up and Retry-After
    // pauses, not on the CPU: four workers on two cores finish sooner than two
    maxWorkers: 4,
    sequence: { sequencer: SlowestFirstSequencer },
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results/vitest.json" }]] : ["default"],
    coverage: { provider: "v8", include: ["src/**", "adapters/**", "db/**", "emulators/**"] },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
    ],
  },
});
