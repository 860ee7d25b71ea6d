import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (pure logic, *.test.ts under test/unit) and `integration`
 * (real HTTP on loopback, real databases, emulators: test/integration and test/e2e).
 */
export default defineConfig({
  test: {
    // most integration time is spent waiting on loopback servers, PGlite start-up and Retry-After
    // pauses, not on the CPU: four workers on two cores finish sooner than two
    maxWorkers: 4,
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
