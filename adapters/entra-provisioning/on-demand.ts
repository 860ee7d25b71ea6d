import { AppError } from "#core/errors.js";
import type { ProvisionResult } from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { OnDemandKeySchema, OnDemandValueSchema } from "./schemas.js";

const STEP_NAMES: Readonly<Record<string, string>> = {
  import: "import",
  scoping: "scoping",
  matching: "matching",
  processing: "processing",
  referenceresolution: "references",
  export: "export",
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** provisionOnDemand's `key` (result) and `value` (the steps) are JSON strings inside the JSON. */
export function parseOnDemand(userId: string, key: string, value: string): Result<ProvisionResult, AppError> {
  const head = OnDemandKeySchema.safeParse(parseJson(key));
  const body = OnDemandValueSchema.safeParse(parseJson(value));
  if (!head.success || !body.success) {
    return err(new AppError("entra.protocol", "Entra's provision-on-demand answer could not be read."));
  }
  const result = head.data.result.toLowerCase();
  const status: ProvisionResult["status"] =
    result === "success" ? "succeeded" : result === "skipped" ? "skipped" : "failed";
  const steps = (body.data.provisioningSteps ?? []).map((step) => ({
    name: STEP_NAMES[(step.type ?? "").toLowerCase()] ?? (step.type ?? step.name ?? "step").toLowerCase(),
    status: (step.status ?? "unknown").toLowerCase(),
    detail: step.description ?? "",
  }));
  const details = head.data.details;
  const why = [details?.errorCode, details?.errorMessage].filter((x) => x !== null && x !== undefined && x !== "");
  const exported = steps.findLast((s) => s.name === "export");
  return ok({
    entraId: body.data.sourceIdentity?.id ?? userId,
    action: (body.data.action ?? "other").toLowerCase(),
    status,
    detail: why.length > 0 ? why.join(": ") : (exported?.detail ?? `Entra answered ${head.data.result}.`),
    steps,
  });
}
