import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createE2eDatabase, type E2eHarness, startE2e } from "#test/support/e2e.js";

/** ABM_ENGINE=entra: the directory source and the entra engine share one credential (one token cache). */
describe("one Graph credential per process", () => {
  let harness: E2eHarness;
  const getToken = vi.spyOn(ClientSecretCredential.prototype, "getToken");

  beforeAll(async () => {
    harness = await startE2e({
      database: await createE2eDatabase("pglite"),
      emulators: { users: 10, seed: 3 },
      env: { ABM_ENGINE: "entra", SYNC_SCOPE: "all" },
    });
  });
  afterAll(async () => {
    getToken.mockRestore();
    await harness?.close();
  });

  it("the directory lookups and the entra engine's calls ask the same credential for tokens", async () => {
    getToken.mockClear();
    const services = harness.connection();
    const id = [...harness.graph.store.users.keys()][0] ?? "";
    const found = await services.directory.lookupUser({ by: "id", value: id }, ["mail"]);
    expect(found.ok && found.value?.id).toBe(id);
    expect(services.engine.kind).toBe("entra");
    expect((await services.engine.status()).ok).toBe(true);
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(getToken.mock.contexts).size).toBe(1);
  });
});
