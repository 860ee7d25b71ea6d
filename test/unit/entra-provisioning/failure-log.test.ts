import { describe, expect, it } from "vitest";
import { currentFailures } from "#adapters/entra-provisioning/failure-log.js";
import { LogEntrySchema } from "#adapters/entra-provisioning/schemas.js";
import { findUnsafeCharacter } from "#core/sync/text-safety.js";

/**
 * ABM_ENGINE=entra (issue 13 item 7): Microsoft's engine does the SCIM work, so a bad value cannot
 * fail our cycle; but its provisioning log may quote the value, and the failures it yields are
 * stored (alert outbox, incidents). They never carry a NUL or a lone surrogate.
 */
describe("currentFailures", () => {
  it("shows control characters and lone surrogates from Entra's log as [U+XXXX]", () => {
    const entry = LogEntrySchema.parse({
      id: "log-1",
      activityDateTime: "2026-03-01T10:00:00Z",
      provisioningAction: "Create",
      sourceIdentity: { id: "u-1", displayName: "Ann", details: { UserPrincipalName: "ann\u0000@contoso.com" } },
      provisioningStatusInfo: {
        status: "failure",
        errorInformation: {
          errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
          reason: "The value 'R&D \ud800' of department is invalid.",
        },
      },
    });
    const [failure] = currentFailures([entry]);
    expect(failure).toMatchObject({
      entraId: "u-1",
      userName: "ann[U+0000]@contoso.com",
      reason: "The value 'R&D [U+D800]' of department is invalid.",
      code: "entra.SystemForCrossDomainIdentityManagementBadRequest",
    });
    for (const text of Object.values(failure ?? {}))
      if (typeof text === "string") expect(findUnsafeCharacter(text)).toBeNull();
  });
});
