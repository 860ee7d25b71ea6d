import { z } from "zod";

/** What the parent test passes to `run-cycle.ts` (env E2E_CHILD, JSON). */
export const childInputSchema = z
  .object({
    graph: z.object({
      baseUrl: z.string(),
      authorityHost: z.string(),
      tenantId: z.string(),
      clientId: z.string(),
      clientSecret: z.string(),
      servicePrincipalId: z.string(),
      caCertPath: z.string(),
      verifiedDomain: z.string(),
    }),
    abm: z.object({ scimUrl: z.string(), token: z.string() }),
    dataDir: z.string(),
    databaseUrl: z.string().optional(),
    /** the restart happens this much later (the killed process's cycle lease has expired by then) */
    clockOffsetMs: z.number().int().nonnegative(),
    env: z.record(z.string(), z.string()),
  })
  .strict();

export type ChildInput = z.infer<typeof childInputSchema>;
