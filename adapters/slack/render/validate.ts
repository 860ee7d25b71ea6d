import { z } from "zod";
import { SLACK_LIMITS as L, type SlackHomeView, type SlackMessage } from "./limits.js";

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
  z
    .object({
      type: z.literal("image"),
      image_url: z.string().url().max(L.imageUrl),
      alt_text: z.string().min(1).max(L.imageAltText),
      title: plainText(L.imageTitle).optional(),
    })
    .strict(),
]);

const messageSchema = z
  .object({ text: z.string().min(1).max(3_000), blocks: z.array(blockSchema).min(1).max(L.blocks) })
  .strict();

const homeViewSchema = z
  .object({ type: z.literal("home"), blocks: z.array(blockSchema).min(1).max(L.homeBlocks) })
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
  return validate(messageSchema, message, L.totalText);
}

/** The same checks for an App Home view (`views.publish`): type `home`, up to 100 blocks. */
export function validateSlackHomeView(view: SlackHomeView | unknown): string[] {
  // a view has no per-message text cap of its own; the blocks' limits apply, and 100 blocks' worth of text
  return validate(homeViewSchema, view, L.totalText * 2);
}

function validate(schema: typeof messageSchema | typeof homeViewSchema, value: unknown, maxText: number): string[] {
  const problems: string[] = [];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".") || "(message)"}: ${issue.message}`);
    return problems;
  }
  const total = visibleText(parsed.data);
  if (total > maxText) problems.push(`total text ${total} exceeds ${maxText} characters`);
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
