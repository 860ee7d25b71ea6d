import { createPrivateKey, type KeyObject } from "node:crypto";
import { err, ok, type Result } from "./result.js";

/**
 * An Apple Business API account's private key is an EC P-256 key in a PEM file (what ABM →
 * Preferences → API downloads). Returns the key, or why this PEM is not one (never its content).
 * Shared by the configuration check and the API client, so both refuse the same files the same way.
 */
export function parseApplePrivateKeyPem(pem: string): Result<KeyObject, string> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return err("is not a PEM private key");
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === "ec" && curve === "prime256v1") return ok(key);
  const found =
    key.asymmetricKeyType === "ec"
      ? `an EC key on ${curve ?? "an unknown curve"}`
      : `an ${String(key.asymmetricKeyType).toUpperCase()} key`;
  return err(`holds ${found}, not an EC P-256 key`);
}
