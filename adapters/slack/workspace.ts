import { z } from "zod";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { slackApiError } from "./errors.js";
import type { SlackWebClient } from "./web-client.js";

/**
 * Which Slack workspace (or Enterprise Grid org, for an org-wide install) and which app this bot
 * token belongs to, learned from `auth.test` and `bots.info` at start. A request signed with our
 * secret but sent from another team or for another app (a signing secret shared between apps, a
 * second workspace) is refused before the chat core sees it.
 */
export interface SlackIdentity {
  readonly teamId: string;
  readonly enterpriseId: string | null;
  /** org-wide install on Enterprise Grid: any workspace of `enterpriseId` is ours */
  readonly orgWide: boolean;
  readonly appId: string;
}

const authTestSchema = z.object({
  team_id: z.string().min(1),
  enterprise_id: z.string().min(1).optional(),
  is_enterprise_install: z.boolean().optional(),
  bot_id: z.string().min(1),
});
const botsInfoSchema = z.object({ bot: z.object({ app_id: z.string().min(1) }) });

/** Where a request says it comes from (every field as the payload gives it, absent when it does not). */
export interface SlackOrigin {
  readonly kind: string;
  readonly teamIds: readonly string[];
  readonly enterpriseId: string | null;
  readonly appId: string | null;
  readonly userId: string | null;
}

/** an id as the payload gives it; Slack sends some optional ids as empty form fields (e.g. `enterprise_id=` outside Enterprise Grid) */
const idField = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).max(64).optional());
const originSchema = z.object({
  type: z.string().optional(),
  command: z.string().optional(),
  team_id: idField,
  enterprise_id: idField,
  api_app_id: idField,
  user_id: idField,
  team: z.object({ id: idField }).nullish(),
  enterprise: z.object({ id: idField }).nullish(),
  user: z.object({ id: idField, team_id: idField }).nullish(),
  event: z.object({ user: z.string().optional() }).nullish(),
});

export function originOf(body: Record<string, unknown>): SlackOrigin {
  const parsed = originSchema.safeParse(body);
  if (!parsed.success) return { kind: "unknown", teamIds: [], enterpriseId: null, appId: null, userId: null };
  const b = parsed.data;
  const teamIds = [b.team_id, b.team?.id, b.user?.team_id].filter((id): id is string => id !== undefined);
  return {
    kind: b.command !== undefined ? "slash_command" : (b.type ?? "unknown"),
    teamIds,
    enterpriseId: b.enterprise_id ?? b.enterprise?.id ?? null,
    appId: b.api_app_id ?? null,
    userId: b.user_id ?? b.user?.id ?? b.event?.user ?? null,
  };
}

/** Why the request is not ours, or null when it is. */
export function foreignReason(origin: SlackOrigin, identity: SlackIdentity): string | null {
  if (origin.appId !== identity.appId) return `api_app_id ${origin.appId ?? "(none)"} is not this app`;
  if (identity.orgWide) {
    return identity.enterpriseId !== null && origin.enterpriseId === identity.enterpriseId
      ? null
      : `enterprise ${origin.enterpriseId ?? "(none)"} is not this org`;
  }
  if (origin.teamIds.length === 0) return "the request names no team";
  const other = origin.teamIds.find((id) => id !== identity.teamId);
  return other === undefined ? null : `team ${other} is not this workspace`;
}

export interface WorkspaceGate {
  /** the identity, learned once (a failed attempt is retried on the next call) */
  identity(): Promise<Result<SlackIdentity, AppError>>;
}

const LEARN_TIMEOUT_MS = 5_000;

export function createWorkspaceGate(client: SlackWebClient, logger: Logger): WorkspaceGate {
  let learned: SlackIdentity | null = null;
  let inFlight: Promise<Result<SlackIdentity, AppError>> | null = null;

  const learn = async (): Promise<Result<SlackIdentity, AppError>> => {
    try {
      const auth = authTestSchema.safeParse(await client.auth.test());
      if (!auth.success)
        return err(new AppError("slack.identity_unknown", "Slack auth.test did not name the bot's team and bot id."));
      const bot = botsInfoSchema.safeParse(await client.bots.info({ bot: auth.data.bot_id }));
      if (!bot.success)
        return err(new AppError("slack.identity_unknown", "Slack bots.info did not name the bot's app id."));
      const identity: SlackIdentity = {
        teamId: auth.data.team_id,
        enterpriseId: auth.data.enterprise_id ?? null,
        orgWide: auth.data.is_enterprise_install === true,
        appId: bot.data.bot.app_id,
      };
      logger.info({ ...identity }, "Slack workspace learned; requests from any other team or app are refused");
      return ok(identity);
    } catch (error) {
      return err(slackApiError(error, "auth.test"));
    }
  };

  return {
    identity() {
      if (learned !== null) return Promise.resolve(ok(learned));
      if (inFlight === null) {
        const timeout = new Promise<Result<SlackIdentity, AppError>>((resolve) => {
          setTimeout(
            () =>
              resolve(
                err(
                  new AppError("slack.identity_unknown", "Slack did not answer auth.test in time.", {
                    retryable: true,
                  }),
                ),
              ),
            LEARN_TIMEOUT_MS,
          ).unref();
        });
        inFlight = Promise.race([learn(), timeout]).then((result) => {
          inFlight = null;
          if (result.ok) learned = result.value;
          else logger.warn({ code: result.error.code }, `Slack workspace unknown: ${result.error.message}`);
          return result;
        });
      }
      return inFlight;
    },
  };
}
