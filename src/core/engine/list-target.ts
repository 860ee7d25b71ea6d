import type { AppError } from "../errors.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { err, ok, type Result } from "../result.js";
import type { ScimUser } from "../users.js";

/** Every ABM user, for matching on full cycles. */
export async function listTarget(target: ScimTarget): Promise<Result<ScimUser[], AppError>> {
  const all: ScimUser[] = [];
  for await (const page of target.list()) {
    if (!page.ok) return err(page.error);
    all.push(...page.value);
  }
  return ok(all);
}
