import { z } from "zod";
import { SLACK_LIMITS as L, type SlackMessage } from "./limits.js";

/**
 * Checks a rendered message against Block Kit's shapes and limits. Used by tests (and usable
 * as a guard before posting): returns every problem found, empty when the message is valid.
 */
const plainText = (max: number) =>
  z.object({ type: z.literal("plain_text"), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const mrkdwnText = (max: number) => z.object({ type: z.literal("mrkdwn"), text: z.string().min(1).max(max) }).strict();

const confirmSchema = z
  .object({
    title: plainText(L.confirmTitle),
    text: mrkdwnText(L.confirmText),
    confirm: plainText(L.confirmButton),
    deny: plainText(L.confirmButton),
    style: z.enum(["primary", "danger"]).optional(),
  })
  .strict();

const buttonSchema = z
  .object({
    type: z.literal("button"),
    action_id: z.string().min(1).max(L.actionId),
    text: plainText(L.buttonText),
    value: z.string().max(L.buttonValue),
    style: z.enum(["primary", "danger"]).optional(),
    confirm: confirmSchema.optional(),
  })
  .strict();

const blockSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("header"), text: plainText(L.headerText) }).strict(),
  z
    .object({
      type: z.literal("section"),
      text: mrkdwnText(L.sectionText).optional(),
      fields: z.array(mrkdwnText(L.fieldText)).min(1).max(L.sectionFields).optional(),
    })
    .strict()
    .refine((block) => block.text !== undefined || block.fields !== undefined, "a section needs text or fields"),
  z
    .object({ type: z.literal("context"), elements: z.array(mrkdwnText(L.contextText)).min(1).max(L.contextElements) })
    .strict(),
  z.object({ type: z.literal("actions"), elements: z.array(buttonSchema).min(1).max(L.actionsElements) }).strict(),
  z.object({ type: z.literal("divider") }).strict(),
]);

const messageSchema = z
  .object({ text: z.string().min(1).max(3_000), blocks: z.array(blockSchema).min(1).max(L.blocks) })
  .strict();

/** Every visible text in a message: text objects anywhere in the blocks, plus the fallback text. */
function visibleText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + visibleText(item), 0);
  if (value === null || typeof value !== "object") return 0;
  let total = 0;
  for (const [key, child] of Object.entries(value)) {
    if (key === "text" && typeof child === "string") total += child.length;
    else if (key !== "value" && key !== "action_id") total += visibleText(child);
  }
  return total;
}

export function validateSlackMessage(message: SlackMessage | unknown): string[] {
  const problems: string[] = [];
  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".") || "(message)"}: ${issue.message}`);
    return problems;
  }
  const total = visibleText(parsed.data);
  if (total > L.totalText) problems.push(`total text ${total} exceeds ${L.totalText} characters`);
  const ids = new Set<string>();
  for (const block of parsed.data.blocks) {
    if (block.type !== "actions") continue;
    for (const element of block.elements) {
      if (ids.has(element.action_id)) problems.push(`duplicate action_id ${element.action_id}`);
      ids.add(element.action_id);
    }
  }
  return problems;
}
