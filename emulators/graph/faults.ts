import { z } from "zod";
import type { Prng } from "./prng.js";

/** The faults body of docs/contracts.md §5; `{}` clears every fault. */
export const FaultsSchema = z
  .object({
    status429Rate: z.number().min(0).max(1).optional(),
    retryAfterSeconds: z.number().min(0).max(3600).optional(),
    status5xxRate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    resetRate: z.number().min(0).max(1).optional(),
  })
  .strict();

export type Faults = z.infer<typeof FaultsSchema>;

export type FaultDecision =
  | { readonly kind: "none" }
  | { readonly kind: "throttle"; readonly retryAfterSeconds: number }
  | { readonly kind: "unavailable"; readonly status: 503 | 504 }
  | { readonly kind: "reset" };

/** Draws what happens to one Graph request under the current faults. */
export function decideFault(faults: Faults, prng: Prng): FaultDecision {
  if (faults.resetRate !== undefined && prng.next() < faults.resetRate) return { kind: "reset" };
  if (faults.status429Rate !== undefined && prng.next() < faults.status429Rate) {
    return { kind: "throttle", retryAfterSeconds: faults.retryAfterSeconds ?? 1 };
  }
  if (faults.status5xxRate !== undefined && prng.next() < faults.status5xxRate) {
    return { kind: "unavailable", status: prng.next() < 0.5 ? 503 : 504 };
  }
  return { kind: "none" };
}
