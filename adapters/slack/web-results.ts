import { z } from "zod";

/** What the Web API answers to the methods we call (only the fields we rely on). */
export const chatPostMessageSchema = z.object({
  ok: z.literal(true),
  channel: z.string().min(1),
  ts: z.string().min(1),
});
export const chatUpdateSchema = z.object({ ok: z.literal(true) });
