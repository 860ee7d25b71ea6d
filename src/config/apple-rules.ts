import { parseApplePrivateKeyPem } from "#core/apple-private-key.js";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigVariable } from "./env-schema.js";

type Env = Readonly<Record<string, string | undefined>>;
type ReadText = (
  path: string,
) => { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: string };

/** The Apple Business API account: all three or none (then the Apple side is off). */
const APPLE_ACCOUNT_VARIABLES = [
  "APPLE_API_CLIENT_ID",
  "APPLE_API_KEY_ID",
  "APPLE_API_PRIVATE_KEY",
] as const satisfies readonly ConfigVariable[];

const WHERE = "ABM → Preferences → API → Manage";

/**
 * The Apple Business API account of one connection: set completely or not at all, and its private
 * key a readable PEM file holding an EC P-256 key (read here, so a wrong path stops start-up with
 * one clear line instead of failing on the first reconcile).
 */
export function appleProblems(env: Env, readText: ReadText): ConfigProblem[] {
  const set = APPLE_ACCOUNT_VARIABLES.filter((name) => (env[name]?.trim() ?? "") !== "");
  if (set.length === 0) return [];
  const problems: ConfigProblem[] = APPLE_ACCOUNT_VARIABLES.filter((name) => !set.includes(name)).map((variable) => ({
    variable,
    reason: `is required with ${set.join(" and ")} (the Apple Business API account)`,
    fix:
      variable === "APPLE_API_PRIVATE_KEY"
        ? `set the path of the .pem file downloaded when the key was generated in ${WHERE}`
        : `copy it from ${WHERE}, or unset the other APPLE_API_* variables to leave the Apple side off`,
  }));
  const path = env.APPLE_API_PRIVATE_KEY?.trim() ?? "";
  if (path === "" || path.includes("\0")) return problems;
  const text = readText(path);
  if (!text.ok) {
    problems.push({
      variable: "APPLE_API_PRIVATE_KEY",
      reason: `names a file that cannot be read (${text.error})`,
      fix: "point it at the .pem file of the API account's private key, readable by this service's user",
    });
    return problems;
  }
  const key = parseApplePrivateKeyPem(text.value);
  if (!key.ok)
    problems.push({
      variable: "APPLE_API_PRIVATE_KEY",
      reason: `names a file that ${key.error}`,
      fix: `use the EC P-256 .pem that ${WHERE} downloads (Generate Private Key)`,
    });
  return problems;
}
