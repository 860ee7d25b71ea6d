import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { SLOWEST_FIRST } from "./test/support/slowest-first.js";

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
