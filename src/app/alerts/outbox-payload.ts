import { z } from "zod";
import type { Reply } from "#core/chat/reply.js";

/**
 * What an outbox message asks for, stored as JSON and parsed again before sending:
 * - `parent`: a new parent message for an incident (and, for a held batch, the approval message)
 * - `thread`: a follow-up threaded under the incident's parent in the same channel
 * - `edit_parent`: replace the incident's parent in the same channel
 * - `refresh_approval`: re-render the approval message from the stored approval at send time and
 *   replace the incident's parent (so a late edit never shows an older state)
 * - `post`: a message of its own, no incident (a run's note, a digest)
 * Incident payloads carry the incident's `opening` (`IncidentRecord.opening`): an incident that
 * resolved and came back threads under its new parent, while the old opening's last edits reach the
 * old one. Payloads queued by a version without openings have none and use the first parent there.
 */
const confirmation = z.object({ title: z.string(), text: z.string(), confirm: z.string(), deny: z.string() });
const button = z.object({
  actionId: z.string(),
  label: z.string(),
  value: z.string(),
  style: z.enum(["primary", "danger"]).optional(),
  confirm: confirmation.optional(),
});
const block = z.discriminatedUnion("type", [
  z.object({ type: z.literal("header"), text: z.string() }),
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("facts"), facts: z.array(z.object({ label: z.string(), value: z.string() })) }),
  z.object({ type: z.literal("list"), title: z.string().optional(), items: z.array(z.string()), total: z.number() }),
  z.object({ type: z.literal("context"), text: z.string() }),
  z.object({ type: z.literal("actions"), buttons: z.array(button) }),
  z.object({ type: z.literal("links"), links: z.array(z.object({ label: z.string(), url: z.string() })) }),
  z.object({ type: z.literal("divider") }),
  z.object({
    type: z.literal("chart"),
    title: z.string(),
    runs: z.array(
      z.object({
        label: z.string(),
        created: z.number(),
        updated: z.number(),
        deactivated: z.number(),
        failed: z.number(),
      }),
    ),
  }),
]);
const replySchema = z.object({
  fallbackText: z.string(),
  blocks: z.array(block),
  visibility: z.enum(["private", "channel"]),
  tone: z.enum(["info", "success", "warning", "danger"]),
});

const opening = z
  .number()
  .int()
  .nullish()
  .transform((value) => value ?? null);

const outboxPayloadSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("parent"),
    incidentKey: z.string(),
    opening,
    approvalId: z.string().nullable(),
    reply: replySchema,
  }),
  z.object({ kind: z.literal("thread"), incidentKey: z.string(), opening, reply: replySchema }),
  z.object({ kind: z.literal("edit_parent"), incidentKey: z.string(), opening, reply: replySchema }),
  z.object({ kind: z.literal("refresh_approval"), incidentKey: z.string(), opening, approvalId: z.string() }),
  z.object({ kind: z.literal("post"), reply: replySchema }),
]);

/** which opening of the incident a message belongs to (null: any, a payload from before openings) */
interface IncidentPayload {
  readonly incidentKey: string;
  readonly opening: number | null;
}

export type OutboxPayload =
  | ({ readonly kind: "parent"; readonly approvalId: string | null; readonly reply: Reply } & IncidentPayload)
  | ({ readonly kind: "thread"; readonly reply: Reply } & IncidentPayload)
  | ({ readonly kind: "edit_parent"; readonly reply: Reply } & IncidentPayload)
  | ({ readonly kind: "refresh_approval"; readonly approvalId: string } & IncidentPayload)
  | { readonly kind: "post"; readonly reply: Reply };

/** Strips `undefined` members so the payload is plain JSON (what a JSON column stores). */
export function toJsonPayload(payload: OutboxPayload): unknown {
  return JSON.parse(JSON.stringify(payload));
}

export function parseOutboxPayload(value: unknown): OutboxPayload | null {
  const parsed = outboxPayloadSchema.safeParse(value);
  return parsed.success ? (parsed.data as OutboxPayload) : null;
}
