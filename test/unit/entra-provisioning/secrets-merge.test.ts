import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Secret } from "#adapters/entra-provisioning/schemas.js";
import {
  notificationSettings,
  SECRET_TOKEN,
  withNotificationSettings,
  withSecret,
} from "#adapters/entra-provisioning/secrets.js";
import { createSettingsWriter, rewriteSecrets } from "#adapters/entra-provisioning/settings-writer.js";
import { createSyncApi } from "#adapters/entra-provisioning/sync-api.js";
import type { GraphRequester } from "#adapters/graph/index.js";
import { AppError } from "#core/errors.js";
import { silentLogger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.abm-scim-token-do-not-leak";
const NOTIFY =
  '{"Enabled":true,"Recipients":"it@example.com","DeleteThresholdEnabled":true,"DeleteThresholdValue":500,"Extra":"kept"}';

/** the secrets list as Graph returns it for the ABM gallery app */
const read = (token = TOKEN): Secret[] => [
  { key: "BaseAddress", value: "https://federation.apple.com/feeds/business/scim" },
  { key: SECRET_TOKEN, value: token },
  { key: "SyncAll", value: "false" },
  { key: "SyncNotificationSettings", value: NOTIFY },
];

/** keys whose value differs between two lists of the same keys */
function changedKeys(before: readonly Secret[], after: readonly Secret[]): string[] {
  expect(after.map((s) => s.key)).toEqual(before.map((s) => s.key));
  return after.filter((s, i) => s.value !== before[i]?.value).map((s) => s.key);
}

describe("secrets: read → merge → write", () => {
  it("a scope change rewrites SyncAll only; the token and everything else go back as read", () => {
    const before = read();
    const after = withSecret(before, "SyncAll", "true");
    expect(changedKeys(before, after)).toEqual(["SyncAll"]);
    expect(after.find((s) => s.key === SECRET_TOKEN)?.value).toBe(TOKEN);
    expect(before.find((s) => s.key === "SyncAll")?.value).toBe("false"); // the read list is not mutated
  });

  it("a missing key is appended, the rest kept in order", () => {
    const after = withSecret([{ key: SECRET_TOKEN, value: TOKEN }], "SyncAll", "true");
    expect(after).toEqual([
      { key: SECRET_TOKEN, value: TOKEN },
      { key: "SyncAll", value: "true" },
    ]);
  });

  it("a notification change rewrites SyncNotificationSettings only, merging into Entra's JSON", () => {
    const before = read();
    const after = withNotificationSettings(before, { emailEnabled: false, deleteThresholdValue: 750 });
    expect(changedKeys(before, after)).toEqual(["SyncNotificationSettings"]);
    const json: unknown = JSON.parse(after.find((s) => s.key === "SyncNotificationSettings")?.value ?? "");
    expect(json).toEqual({
      Enabled: false,
      Recipients: "it@example.com",
      DeleteThresholdEnabled: true,
      DeleteThresholdValue: 750,
      Extra: "kept",
    });
  });

  it("reads Entra's settings leniently: string numbers, garbage and absence fall back to defaults", () => {
    const of = (value: string) => notificationSettings([{ key: "SyncNotificationSettings", value }]);
    expect(of('{"DeleteThresholdValue":"250"}').deleteThresholdValue).toBe(250);
    expect(of('{"DeleteThresholdValue":-3}').deleteThresholdValue).toBe(500);
    expect(of("not json")).toMatchObject({
      emailEnabled: false,
      deleteThresholdEnabled: true,
      deleteThresholdValue: 500,
    });
    expect(notificationSettings([]).raw).toEqual({});
  });

  it("the settings never carry the token", () => {
    expect(JSON.stringify(notificationSettings(read()))).not.toContain(TOKEN);
  });

  it("a masked or empty token is refused: nothing to write, and the error holds no secret", () => {
    for (const masked of ["********", ""]) {
      const out = rewriteSecrets(read(masked), (s) => withSecret(s, "SyncAll", "true"));
      expect(out.ok).toBe(false);
      if (out.ok) continue;
      expect(out.error.code).toBe("entra.secrets_masked");
      expect(out.error.retryable).toBe(false);
      expect(out.error.message).toContain("Provisioning");
    }
    const fine = rewriteSecrets(read(), (s) => withSecret(s, "SyncAll", "true"));
    expect(fine.ok && changedKeys(read(), fine.value)).toEqual(["SyncAll"]);
  });
});

/** a Graph requester over canned Graph bodies: GETs parsed by the engine's schemas, PUT bodies recorded */
function fakeGraph(secrets: Secret[] | AppError) {
  const puts: { path: string; body: unknown }[] = [];
  const requester: GraphRequester = {
    async get<T>(_path: string, schema: z.ZodType<T>): Promise<Result<T, AppError>> {
      return secrets instanceof AppError ? err(secrets) : ok(schema.parse({ value: secrets }));
    },
    async post<T>(): Promise<Result<T, AppError>> {
      throw new Error("no POST expected");
    },
    async put<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<Result<T, AppError>> {
      puts.push({ path, body });
      return ok(schema.parse(null));
    },
  };
  return { api: createSyncApi(requester, "sp-1", silentLogger), puts };
}

describe("the settings writer against Graph's secrets endpoint", () => {
  it("PUTs the whole list back with one key changed and answers nothing about it", async () => {
    const graph = fakeGraph(read());
    const written = await createSettingsWriter(graph.api)((s) => withSecret(s, "SyncAll", "true"));
    expect(written).toEqual({ ok: true, value: undefined });
    expect(graph.puts).toHaveLength(1);
    expect(graph.puts[0]?.path).toBe("/servicePrincipals/sp-1/synchronization/secrets");
    const body = graph.puts[0]?.body as { value: Secret[] };
    expect(changedKeys(read(), body.value)).toEqual(["SyncAll"]);
    expect(body.value.find((s) => s.key === SECRET_TOKEN)?.value).toBe(TOKEN);
  });

  it("never PUTs when the token came back masked, nor when the read failed", async () => {
    const masked = fakeGraph(read("*****"));
    const refused = await createSettingsWriter(masked.api)((s) => withSecret(s, "SyncAll", "true"));
    expect(!refused.ok && refused.error.code).toBe("entra.secrets_masked");
    expect(masked.puts).toHaveLength(0);
    const failing = fakeGraph(new AppError("graph.forbidden", "Synchronization.ReadWrite.All is missing."));
    const failed = await createSettingsWriter(failing.api)((s) => withSecret(s, "SyncAll", "true"));
    expect(!failed.ok && failed.error.code).toBe("graph.forbidden");
    expect(failing.puts).toHaveLength(0);
  });
});
