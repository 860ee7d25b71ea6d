import { z } from "zod";

/**
 * Opaque state tokens. Clients see base64url text; inside are the epoch (so the emulator can
 * expire every token at once), the `$select` of the first request, and where the read stands.
 */
const TokenSchema = z.discriminatedUnion("k", [
  // a full read: position in creation order; `s` = sequence when the read started
  z.object({ k: z.literal("full"), e: z.number(), sel: z.array(z.string()).nullable(), c: z.number(), s: z.number() }),
  // an incremental read of changes in (from, to]: position in the change log
  z.object({
    k: z.literal("inc"),
    e: z.number(),
    sel: z.array(z.string()).nullable(),
    c: z.number(),
    from: z.number(),
    to: z.number(),
  }),
  // a delta link: changes after sequence `s`
  z.object({ k: z.literal("delta"), e: z.number(), sel: z.array(z.string()).nullable(), s: z.number() }),
]);

export type DeltaState = z.infer<typeof TokenSchema>;

export function encodeToken(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

/** null when the token is not one of ours */
export function decodeToken(token: string): DeltaState | null {
  try {
    const parsed = TokenSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** a simple cursor for collection paging (`$skiptoken` of appRoleAssignedTo and members) */
export function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`, "utf8").toString("base64url");
}

export function decodeOffset(token: string | null): number | null {
  if (token === null) return 0;
  const match = /^o:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match === null ? null : Number(match[1]);
}
