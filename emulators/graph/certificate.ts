import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface EmulatorCertificate {
  readonly keyPem: string;
  readonly certPem: string;
  /** where the certificate is written, for `NODE_EXTRA_CA_CERTS` */
  readonly caCertPath: string;
  remove(): Promise<void>;
}

/**
 * A fresh self-signed certificate for loopback (127.0.0.1, ::1, localhost), written to a temp dir.
 * Each has its own subject name: a process trusting several emulators (one per organization, in one
 * NODE_EXTRA_CA_CERTS file) finds each one's certificate by that name.
 */
export async function createEmulatorCertificate(): Promise<EmulatorCertificate> {
  const name = `abm-graph-emulator-${randomBytes(6).toString("hex")}`;
  const pems = await generate([{ name: "commonName", value: name }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), "abm-graph-emulator-"));
  const caCertPath = join(dir, "ca.pem");
  await writeFile(caCertPath, pems.cert, "utf8");
  return {
    keyPem: pems.private,
    certPem: pems.cert,
    caCertPath,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
