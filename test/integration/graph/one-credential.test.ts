import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import { type AppServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";

/** ABM_ENGINE=entra: the directory source and the entra engine share one credential (one token cache). */
describe("one Graph credential per process", () => {
  let pair: EmulatorPair;
  let services: AppServices;
  const getToken = vi.spyOn(ClientSecretCredential.prototype, "getToken");

  beforeAll(async () => {
    pair = await startEmulators({ users: 10, seed: 3 });
    const config = loadConfig({ ABM_ENGINE: "entra", SYNC_SCOPE: "all" });
    if (!config.ok) throw config.error;
    expect(config.value.engine).toBe("entra");
    const opened = await openServices({
      config: config.value,
      targets: targetsFromEmulators(pair),
      logger: silentLogger,
      clock: systemClock,
      ids: randomIds,
      dataDir: "memory://",
    });
    if (!opened.ok) throw opened.error;
    services = opened.value;
  });
  afterAll(async () => {
    getToken.mockRestore();
    await services?.close();
    await pair?.close();
  });

  it("the directory lookups and the entra engine's calls ask the same credential for tokens", async () => {
    getToken.mockClear();
    const id = [...pair.graph.store.users.keys()][0] ?? "";
    const found = await services.directory.lookupUser({ by: "id", value: id }, ["mail"]);
    expect(found.ok && found.value?.id).toBe(id);
    expect(services.engine.kind).toBe("entra");
    expect((await services.engine.status()).ok).toBe(true);
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(getToken.mock.contexts).size).toBe(1);
  });
});
