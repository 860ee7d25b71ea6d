import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * The API account's private key: a PEM file holding an EC P-256 key (what ABM → Preferences → API
 * downloads). Every refusal says what is wrong with the FILE (never its content): missing,
 * unreadable, not a PEM private key, another key type or curve.
 */
export function readApplePrivateKey(path: string): Result<KeyObject, AppError> {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as { code?: unknown }).code === "ENOENT" ? "does not exist" : "cannot be read";
    return err(
      new AppError("apple.private_key", `APPLE_API_PRIVATE_KEY: ${path} ${reason}.`, {
        cause: error,
        context: { path },
      }),
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    return err(
      new AppError("apple.private_key", `APPLE_API_PRIVATE_KEY: ${path} is not a PEM private key.`, {
        cause: error,
        context: { path },
      }),
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || curve !== "prime256v1") {
    const found =
      key.asymmetricKeyType === "ec"
        ? `an EC key on ${curve ?? "an unknown curve"}`
        : `an ${String(key.asymmetricKeyType).toUpperCase()} key`;
    return err(
      new AppError("apple.private_key", `APPLE_API_PRIVATE_KEY: ${path} holds ${found}, not an EC P-256 key.`, {
        context: { path },
      }),
    );
  }
  return ok(key);
}
