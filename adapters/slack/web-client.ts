import { type Logger as BoltLogger, webApi } from "@slack/bolt";
import type { Logger } from "#core/logger.js";
import { toBoltLogger } from "./bolt-logger.js";

export type SlackWebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackWebClientOptions {
  readonly botToken: string;
  /** `SLACK_API_URL`; Slack's own when unset */
  readonly apiUrl?: string;
  /** bounded retries for network errors and 5xx (default 2) */
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly logger: Logger;
  /** true: a 429 surfaces at once as `slack.rate_limited` (the outbox waits); false: the client waits */
  readonly rejectRateLimitedCalls?: boolean;
}

const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

function slackApiRoot(apiUrl: string | undefined): string {
  const root = apiUrl ?? DEFAULT_SLACK_API_URL;
  return root.endsWith("/") ? root : `${root}/`;
}

/** The shape Bolt and the standalone client share: bounded retries, our API root, a timeout. */
export function slackClientOptions(
  options: Omit<SlackWebClientOptions, "botToken" | "logger"> & { readonly logger: BoltLogger },
) {
  const retries = Math.max(0, Math.min(10, options.retries ?? 2));
  return {
    slackApiUrl: slackApiRoot(options.apiUrl),
    retryConfig: { retries, factor: 2, minTimeout: 200, maxTimeout: 2_000, randomize: true },
    timeout: options.timeoutMs ?? 10_000,
    logger: options.logger,
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? true,
  };
}

export function createSlackWebClient(options: SlackWebClientOptions): SlackWebClient {
  return new webApi.WebClient(
    options.botToken,
    slackClientOptions({ ...options, logger: toBoltLogger(options.logger, "slack-web-api") }),
  );
}
