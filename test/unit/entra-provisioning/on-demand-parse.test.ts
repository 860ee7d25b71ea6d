import { describe, expect, it } from "vitest";
import { parseOnDemand } from "#adapters/entra-provisioning/on-demand.js";

const USER = "5f1c2a9e-3b7d-4c61-9a0e-2d8f4b6c1e73";
const at = "2026-03-01T10:00:00Z";
const step = (name: string, type: string, status: string, description: string) => ({
  name,
  type,
  status,
  description,
  timestamp: at,
  details: {},
});

/** provisionOnDemand's answer: `key` and `value` are JSON documents inside JSON strings */
function answer(result: string, steps: object[], details: object = {}, extra: object = {}) {
  return {
    key: JSON.stringify({ result, details }),
    value: JSON.stringify({
      action: "Create",
      changeId: "c0ffee00-0000-4000-8000-000000000001",
      provisioningSteps: steps,
      sourceIdentity: { id: USER, type: "User", displayName: null, details: null },
      ...extra,
    }),
  };
}

describe("provisionOnDemand answer → ProvisionResult", () => {
  it("a success: steps import/scoping/matching/export in order, detail from the export step", () => {
    const a = answer("Success", [
      step("EntryImport", "Import", "Success", "Retrieved User 'ada@example.com' from Azure Active Directory"),
      step("EntrySynchronizationScoping", "Scoping", "Success", "Determine if User in scope"),
      step("EntryImport", "Matching", "Success", "User 'ada@example.com' was not found in Apple Business Manager"),
      step("EntryExportAdd", "Export", "Success", "User 'ada@example.com' was created in Apple Business Manager"),
    ]);
    const out = parseOnDemand("ignored", a.key, a.value);
    expect(out).toEqual({
      ok: true,
      value: {
        entraId: USER,
        action: "create",
        status: "succeeded",
        detail: "User 'ada@example.com' was created in Apple Business Manager",
        steps: [
          { name: "import", status: "success", detail: "Retrieved User 'ada@example.com' from Azure Active Directory" },
          { name: "scoping", status: "success", detail: "Determine if User in scope" },
          {
            name: "matching",
            status: "success",
            detail: "User 'ada@example.com' was not found in Apple Business Manager",
          },
          { name: "export", status: "success", detail: "User 'ada@example.com' was created in Apple Business Manager" },
        ],
      },
    });
  });

  it("a failure: Entra's error code and message are the detail", () => {
    const a = answer("Failure", [step("EntryExportAdd", "Export", "Failure", "rejected")], {
      errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
      errorMessage: "Apple Business Manager rejected the user: name.givenName is required.",
    });
    const out = parseOnDemand(USER, a.key, a.value);
    expect(out.ok && out.value.status).toBe("failed");
    expect(out.ok && out.value.detail).toBe(
      "SystemForCrossDomainIdentityManagementBadRequest: Apple Business Manager rejected the user: name.givenName is required.",
    );
  });

  it("skipped (out of scope); unknown step types keep their own name; missing identity uses the asked id", () => {
    const a = answer(
      "Skipped",
      [
        step("EntrySynchronizationScoping", "Scoping", "Skipped", "User is not assigned to the application"),
        step("Custom", "ReferenceResolution", "Success", "refs"),
        { name: "Odd", status: "Warning" },
      ],
      { errorCode: "NotEffectivelyEntitled", errorMessage: null },
      { sourceIdentity: null, action: null },
    );
    const out = parseOnDemand(USER, a.key, a.value);
    expect(out.ok && out.value).toMatchObject({
      entraId: USER,
      action: "other",
      status: "skipped",
      detail: "NotEffectivelyEntitled",
      steps: [
        { name: "scoping", status: "skipped" },
        { name: "references", status: "success" },
        { name: "odd", status: "warning", detail: "" },
      ],
    });
  });

  it("no error details and no export step: says what Entra answered", () => {
    const a = answer("Success", []);
    const out = parseOnDemand(USER, a.key, a.value);
    expect(out.ok && out.value.detail).toBe("Entra answered Success.");
    expect(out.ok && out.value.steps).toEqual([]);
  });

  it("key or value that is not the expected JSON is a protocol error, not a success", () => {
    const good = answer("Success", []);
    for (const [key, value] of [
      ["not json", good.value],
      [good.key, "{"],
      [JSON.stringify({ details: {} }), good.value],
      [good.key, JSON.stringify({ provisioningSteps: "nope" })],
    ] as const) {
      const out = parseOnDemand(USER, key, value);
      expect(out.ok).toBe(false);
      expect(!out.ok && out.error.code).toBe("entra.protocol");
    }
  });
});
