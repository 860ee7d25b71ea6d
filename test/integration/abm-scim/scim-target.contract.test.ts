import { afterAll, beforeAll } from "vitest";
import { createAbmScimTarget } from "#adapters/abm-scim/abm-scim-target.js";
import { createBearerAuth } from "#adapters/abm-scim/auth.js";
import type { ScimTarget } from "#core/ports/scim-target.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { describeScimTargetContract } from "./scim-target-contract.js";

let emulator: AbmEmulator;
let target: (ScimTarget & { close(): void }) | undefined;

beforeAll(async () => {
  emulator = await startAbmEmulator({ token: "contract-token", verifiedDomains: ["example.com"] });
  target = createAbmScimTarget({ baseUrl: emulator.scimUrl, auth: createBearerAuth(emulator.token), concurrency: 4 });
});

afterAll(async () => {
  target?.close();
  await emulator.close();
});

describeScimTargetContract("AbmScimTarget over HTTP against the ABM emulator", {
  target: () => {
    if (target === undefined) throw new Error("not started");
    return target;
  },
  reset: async () => emulator.reset(),
  domain: "example.com",
});
