import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseApplePrivateKeyPem } from "#core/apple-private-key.js";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * The API account's private key from its PEM file. Every refusal says what is wrong with the FILE
 * (never its content): missing, unreadable, not a PEM private key, another key type or curve.
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
  const key = parseApplePrivateKeyPem(pem);
  if (!key.ok)
    return err(
      new AppError("apple.private_key", `APPLE_API_PRIVATE_KEY: ${path} ${key.error}.`, { context: { path } }),
    );
  return ok(key.value);
}
