import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import type { Secret } from "./schemas.js";
import { looksMasked, SECRET_TOKEN } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

/** One change of the job's secrets list: the list as read → the list to PUT. */
export type SecretsChange = (secrets: Secret[]) => Secret[];

/**
 * The list to write back, or `entra.secrets_masked` when Graph returned the token masked (writing
 * it back would erase the real token). The error never carries the secrets.
 */
export function rewriteSecrets(secrets: readonly Secret[], change: SecretsChange): Result<Secret[], AppError> {
  const token = secrets.find((s) => s.key === SECRET_TOKEN);
  if (token !== undefined && looksMasked(token.value)) {
    return err(
      new AppError(
        "entra.secrets_masked",
        "Graph returned the job's secret token masked, so the settings cannot be rewritten without losing it. Change this setting in Entra → Apple Business Manager → Provisioning instead.",
      ),
    );
  }
  return ok(change([...secrets]));
}

/** Read → merge → write of the job's secrets (PUT replaces the whole list). */
export function createSettingsWriter(api: SyncApi) {
  return async (change: SecretsChange): Promise<Result<void, AppError>> => {
    const secrets = await api.secrets();
    if (!secrets.ok) return secrets;
    const next = rewriteSecrets(secrets.value, change);
    return next.ok ? api.putSecrets(next.value) : next;
  };
}
