import { randomBytes } from "node:crypto";

/** Prefixed ids (`run_…`, `op_…`, `apr_…`) read well in logs and chat. */
export type IdPrefix = "run" | "op" | "apr" | "alr" | "aud" | "evt" | "con" | "out";

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

const ALPHABET = "0123456789abcdefghijkmnpqrstuvwxyz";

export const randomIds: IdGenerator = {
  next(prefix) {
    const bytes = randomBytes(12);
    let out = "";
    for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
    return `${prefix}_${out}`;
  },
};
