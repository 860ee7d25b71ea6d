import { type AppleBusinessClient, createAppleBusinessClient } from "#adapters/apple-business/index.js";
import { systemClock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";
import type { AppleAuditEvent } from "#core/ports/apple-directory.js";
import type { AppleBusinessEmulator } from "#emulators/apple-business/server.js";

/** The real Apple Business API client against the emulator, with its generated account (overrides for bad credentials). */
export function appleClientFor(
  emulator: AppleBusinessEmulator,
  overrides: Partial<Parameters<typeof createAppleBusinessClient>[0]> = {},
): AppleBusinessClient {
  const made = createAppleBusinessClient({
    clientId: emulator.clientId,
    keyId: emulator.keyId,
    privateKeyPath: emulator.privateKeyPath,
    apiUrl: emulator.apiUrl,
    tokenUrl: emulator.tokenUrl,
    clock: systemClock,
    logger: silentLogger,
    ...overrides,
  });
  if (!made.ok) throw made.error;
  return made.value;
}

/** An audit event as the client hands it on: a person (Ada) deleted `<id>@contoso.com`, unless `extra` says otherwise. */
export function auditEvent(id: string, at: Date, extra: Partial<AppleAuditEvent> = {}): AppleAuditEvent {
  return {
    id,
    at,
    type: "ACCOUNT_DELETED",
    actorType: "USER",
    actorName: "Ada",
    subjectType: "USER",
    subjectName: `${id}@contoso.com`,
    outcome: "SUCCESS",
    ...extra,
  };
}
