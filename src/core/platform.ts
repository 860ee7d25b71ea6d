import { z } from "zod";

/**
 * The one platform union. Who acts or where a message lives: Slack, Teams, the local CLI, or the
 * service itself (`system`: the scheduler, an engine). Narrower views are derived from it.
 */
export const PLATFORMS = ["slack", "teams", "cli", "system"] as const;
export type Platform = (typeof PLATFORMS)[number];
/** where a person types commands */
export type ChatPlatform = Exclude<Platform, "system">;
/** where a message can be posted and edited later */
export type MessagePlatform = Exclude<ChatPlatform, "cli">;

export const platformSchema = z.enum(PLATFORMS);
export const chatPlatformSchema = z.enum(["slack", "teams", "cli"] satisfies readonly ChatPlatform[]);
export const messagePlatformSchema = z.enum(["slack", "teams"] satisfies readonly MessagePlatform[]);
