import {
  type AbmScimTarget,
  type AbmScimTargetOptions,
  createAbmScimTarget,
} from "#adapters/abm-scim/abm-scim-target.js";
import { createBearerAuth } from "#adapters/abm-scim/auth.js";
import type { TargetUser } from "#core/users.js";
import type { AbmEmulator } from "#emulators/abm/server.js";
import type { EmulatorStats } from "#emulators/abm/stats.js";

export function testUser(n: string, domain = "example.com"): TargetUser {
  return {
    userName: `${n}@${domain}`,
    externalId: `ext-${n}`,
    active: true,
    givenName: "Given",
    familyName: "Family",
    email: `${n}@${domain}`,
    locale: null,
    employeeNumber: null,
    costCenter: null,
    division: null,
    department: null,
  };
}

export function clientFor(emulator: AbmEmulator, overrides: Partial<AbmScimTargetOptions> = {}): AbmScimTarget {
  return createAbmScimTarget({
    baseUrl: emulator.scimUrl,
    auth: createBearerAuth(emulator.token),
    concurrency: 4,
    requestTimeoutMs: 5_000,
    retry: { maxAttempts: 5, deadlineMs: 20_000, baseDelayMs: 200 },
    ...overrides,
  });
}

/** Polls the emulator's stats (in-process, every ms) until `done` holds, then runs `then`; bounded by 10 s. */
export function when(emulator: AbmEmulator, done: (s: EmulatorStats) => boolean, then: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (done(emulator.stats())) {
        clearInterval(timer);
        then();
        resolve();
      } else if (Date.now() - started > 10_000) {
        clearInterval(timer);
        reject(new Error("condition not reached within 10 s"));
      }
    }, 1);
  });
}
