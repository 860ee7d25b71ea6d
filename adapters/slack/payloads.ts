import { z } from "zod";

/** The fields of Slack's payloads the adapter uses, parsed (Bolt hands them over untyped). */
export const slashCommandSchema = z.object({
  command: z.string(),
  text: z.string().default(""),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  response_url: z.string().url(),
});

export const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z
    .object({
      type: z.string(),
      message_ts: z.string().optional(),
      channel_id: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  response_url: z.string().url().optional(),
  /** set when the button is on a view (the App Home tab) instead of a message */
  view: z.object({ type: z.string(), id: z.string().optional() }).optional(),
  actions: z.array(z.object({ type: z.string(), action_id: z.string().min(1), value: z.string().optional() })).min(1),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** `app_home_opened` (Events API): who opened which tab of the app's home. */
export const appHomeOpenedSchema = z.object({
  type: z.literal("app_home_opened"),
  user: z.string().min(1),
  channel: z.string().min(1),
  tab: z.enum(["home", "messages"]).optional(),
});
