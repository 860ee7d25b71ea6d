import { z } from "zod";
import type { ChatActionRequest, ChatActionResult, ChatCore, ChatRequest } from "#core/chat/handle-command.js";
import type { ChatActor } from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import type { Logger } from "#core/logger.js";
import type { DirectorySource } from "#core/ports/directory-source.js";

/**
 * One person, one identity: a Slack actor is resolved to the e-mail on their Slack profile
 * (`users.info`, scope `users:read.email`) and that e-mail to their Entra object id (Graph, by
 * `mail`, then `userPrincipalName`). Roles given as e-mail or Entra object id then match, and an
 * approval counts Alice once whether she clicks in Slack or Teams. Answers are cached; a failed
 * lookup is not (the actor stays a bare Slack id and is tried again next time).
 */
export interface SlackProfiles {
  /** the e-mail on a Slack user's profile, or null when there is none */
  emailOf(slackUserId: string): Promise<string | null>;
}

const usersInfoSchema = z.object({
  user: z.object({ profile: z.object({ email: z.string().email().optional() }).optional() }),
});

export function slackProfilesFrom(client: {
  users: { info(args: { user: string }): Promise<unknown> };
}): SlackProfiles {
  return {
    async emailOf(slackUserId) {
      const parsed = usersInfoSchema.safeParse(await client.users.info({ user: slackUserId }));
      return parsed.success ? (parsed.data.user.profile?.email?.toLowerCase() ?? null) : null;
    },
  };
}

const TTL_MS = 10 * 60 * 1000;
const MAX_CACHED = 1_000;

interface Resolved {
  readonly email: string | null;
  readonly entraObjectId: string | null;
  readonly expiresAt: number;
}

export function createSlackPeople(deps: {
  profiles: SlackProfiles;
  directory: Pick<DirectorySource, "lookupUser">;
  clock: Clock;
  logger: Logger;
}): (actor: ChatActor) => Promise<ChatActor> {
  const cache = new Map<string, Resolved>();

  const objectIdOf = async (email: string): Promise<string | null> => {
    for (const by of ["mail", "userPrincipalName"] as const) {
      const found = await deps.directory.lookupUser({ by, value: email }, ["id"]);
      if (!found.ok) throw found.error;
      if (found.value !== null) return found.value.id.toLowerCase();
    }
    return null;
  };

  return async (actor) => {
    if (actor.platform !== "slack") return actor;
    const now = deps.clock.now().getTime();
    let hit = cache.get(actor.id);
    if (hit === undefined || hit.expiresAt <= now) {
      cache.delete(actor.id);
      try {
        const email = await deps.profiles.emailOf(actor.id);
        const entraObjectId = email === null ? null : await objectIdOf(email);
        hit = { email, entraObjectId, expiresAt: now + TTL_MS };
        if (cache.size >= MAX_CACHED) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(actor.id, hit);
      } catch (error) {
        deps.logger.warn(
          { slackUserId: actor.id, error: error instanceof Error ? error.message : String(error) },
          "could not resolve a Slack user to an Entra user",
        );
        return { ...actor, identityUnknown: true };
      }
    }
    return {
      ...actor,
      ...(hit.email === null ? {} : { email: hit.email }),
      ...(hit.entraObjectId === null ? {} : { entraObjectId: hit.entraObjectId }),
    };
  };
}

/** The chat core with every Slack actor resolved first. */
export function withResolvedActors(chat: ChatCore, resolve: (actor: ChatActor) => Promise<ChatActor>): ChatCore {
  return {
    execute: async (request) => chat.execute({ ...request, actor: await resolve(request.actor) }),
    handle: async (request: ChatRequest) => chat.handle({ ...request, actor: await resolve(request.actor) }),
    handleAction: async (request: ChatActionRequest): Promise<ChatActionResult> =>
      chat.handleAction({ ...request, actor: await resolve(request.actor) }),
  };
}
