/**
 * Every error code the product reports: a closed union, so the compiler checks every code that is
 * created or compared. Each code says whether trying again may help (the default for AppError's
 * `retryable`) and what a person can do about it (shown by `--json` errors, chat replies and logs).
 */
interface CodeInfo {
  readonly retryable: boolean;
  /** what an admin can do about it, in one sentence */
  readonly fix: string;
}

export const ERROR_CODES = {
  "alerts.bad_payload": {
    retryable: false,
    fix: "An outbox message was stored in a shape this version cannot read; it is dropped. Report it with the log line.",
  },
  "alerts.channel_paused": {
    retryable: true,
    fix: "Slack or Teams asked us to slow down; the message is sent when the channel's pause ends.",
  },
  "alerts.no_notifier": {
    retryable: false,
    fix: "An alert route names a platform that is not configured: configure it or remove the route with `alerts off` there.",
  },
  "alerts.parent_pending": {
    retryable: false,
    fix: "The first message of this alert is not posted yet; the follow-up waits for it.",
  },
  "alerts.send_failed": { retryable: true, fix: "Posting the alert failed; the outbox retries it with back-off." },
  "alerts.unexpected": {
    retryable: false,
    fix: "Alert delivery failed unexpectedly; see the log line with this code.",
  },
  "app.admin_socket": {
    retryable: false,
    fix: "The CLI could not talk to the running service over its admin socket: check that `abm serve` runs as the same OS user.",
  },
  "app.admin_socket_path": {
    retryable: false,
    fix: "The admin socket path is too long for a Unix socket: use a shorter DATA_DIR.",
  },
  "app.data_dir": {
    retryable: false,
    fix: "The data directory cannot be created or opened: check DATA_DIR and its permissions.",
  },
  "app.data_dir_busy": {
    retryable: true,
    fix: "Another process holds the embedded database: stop it, or run the command while `abm serve` runs (it is forwarded).",
  },
  "app.data_dir_exposed": {
    retryable: false,
    fix: "The data directory is readable by other users: `chmod 700` it (it holds tokens and the database).",
  },
  "app.listen_failed": {
    retryable: false,
    fix: "The HTTP port is in use or not allowed: set PORT (and HOST) to a free one.",
  },
  "app.not_configured": {
    retryable: false,
    fix: "A required setting is missing: run `abm config check` and set what it names.",
  },
  "app.start_failed": { retryable: false, fix: "The service could not start; the message says which part failed." },
  "apple.auth": {
    retryable: false,
    fix: "Apple refused the API account's credentials: check APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and the private key in ABM → Preferences → API (the key may have been revoked).",
  },
  "apple.bad_signature": {
    retryable: false,
    fix: "The private key does not belong to this key id: point APPLE_API_PRIVATE_KEY at the .pem downloaded with APPLE_API_KEY_ID, or generate a new key in ABM → Preferences → API.",
  },
  "apple.forbidden": {
    retryable: false,
    fix: "The API account may not read this: in ABM → Preferences → API give the account the user and audit permissions.",
  },
  "apple.key_expired": {
    retryable: false,
    fix: "The API key was revoked or has expired: generate a new private key in ABM → Preferences → API and set APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY.",
  },
  "apple.key_mismatch": {
    retryable: false,
    fix: "Apple does not know this key id for the client id: copy the Key ID shown under ABM → Preferences → API → Manage into APPLE_API_KEY_ID.",
  },
  "apple.not_configured": {
    retryable: false,
    fix: "Set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY (an API account from ABM → Preferences → API; README, Apple Business API).",
  },
  "apple.not_found": { retryable: false, fix: "The Apple Business API does not know that object: check the id." },
  "apple.private_key": {
    retryable: false,
    fix: "APPLE_API_PRIVATE_KEY must be the path of a readable PEM file holding the EC P-256 private key downloaded from ABM → Preferences → API.",
  },
  "apple.protocol": {
    retryable: false,
    fix: "The Apple Business API answered in an unexpected shape: report it with the log line.",
  },
  "apple.rate_limited": {
    retryable: true,
    fix: "The Apple Business API asked us to slow down (about 20 requests a minute); it is retried after the time Apple said.",
  },
  "apple.transient": { retryable: true, fix: "The Apple Business API failed for a moment; try again shortly." },
  "apple.unknown_client": {
    retryable: false,
    fix: "Apple does not know this client id: copy the Client ID (BUSINESSAPI.…) shown under ABM → Preferences → API → Manage into APPLE_API_CLIENT_ID.",
  },
  "approval.closed": {
    retryable: false,
    fix: "The batch was already decided, withdrawn or expired: run `approvals` to see what is open.",
  },
  "approval.duplicate_vote": { retryable: false, fix: "Each person counts once: another approver has to decide." },
  "approval.expired": {
    retryable: false,
    fix: "Nobody decided in time; the batch stays held and is asked for again after the next cycle.",
  },
  "approval.identity_unknown": {
    retryable: true,
    fix: "Who you are could not be checked just now (your chat profile or Entra did not answer): try again in a moment.",
  },
  "approval.not_found": {
    retryable: false,
    fix: "No such approval: `approvals` lists the open ones, and any id it shows is accepted.",
  },
  "approval.not_granted": {
    retryable: false,
    fix: "The approval is not approved (or was applied already): check `approvals`.",
  },
  "approval.wrong_engine": {
    retryable: false,
    fix: "The approval was held by the other engine (ABM_ENGINE changed): restart the sync so the engine holds its own batch.",
  },
  "chat.forbidden": {
    retryable: false,
    fix: "Your role does not allow this: an administrator adds you to ABM_VIEWERS, ABM_OPERATORS or ABM_APPROVERS.",
  },
  "chat.input_too_long": { retryable: false, fix: "Shorten the command." },
  "chat.unexpected": { retryable: false, fix: "The command failed unexpectedly; see the log line with this code." },
  "chat.unknown_command": { retryable: false, fix: "Type `help` for the commands." },
  "chat.usage": { retryable: false, fix: "The message shows the usage; type `help` for the commands." },
  "cli.bad_argument": {
    retryable: false,
    fix: "The message says which value is refused; `abm help <command>` shows what it takes.",
  },
  "cli.bad_flag": { retryable: false, fix: "The message names the flag; `abm help <command>` lists the flags." },
  "cli.csv_write_failed": { retryable: false, fix: "Choose a path you can write to." },
  "cli.demo_not_running": {
    retryable: false,
    fix: "Start the demo with `npm start` (or `abm demo`) and run the command in another terminal.",
  },
  "cli.missing_argument": { retryable: false, fix: "Give the argument the usage line names." },
  "cli.missing_command": { retryable: false, fix: "Run `abm help` for the commands." },
  "cli.not_configured": { retryable: false, fix: "Run `abm config check` and set what it names." },
  "cli.unexpected": { retryable: false, fix: "The command failed unexpectedly; see stderr." },
  "cli.unknown_command": { retryable: false, fix: "Run `abm help` for the commands." },
  "config.attribute_map_invalid": {
    retryable: false,
    fix: "Fix the ABM_ATTRIBUTE_MAP file: the message names the invalid entry.",
  },
  "config.attribute_map_unreadable": {
    retryable: false,
    fix: "ABM_ATTRIBUTE_MAP points at a file that cannot be read: fix the path or permissions.",
  },
  "config.invalid": { retryable: false, fix: "Fix the variables `abm config check` lists." },
  "connection.required": {
    retryable: false,
    fix: "Several organizations are configured (ABM_CONNECTIONS): add --connection <id>; `abm status` lists them.",
  },
  "connection.unknown": {
    retryable: false,
    fix: "Use a connection id from ABM_CONNECTIONS (`abm status` lists them).",
  },
  "db.conflict": { retryable: false, fix: "The record already exists; nothing was written twice." },
  "db.contention": { retryable: true, fix: "The database aborted a concurrent transaction; it is retried." },
  "db.invalid_row": {
    retryable: false,
    fix: "A stored value does not match this version's schema: report it with the log line.",
  },
  "db.migration_failed": {
    retryable: false,
    fix: "The database schema could not be migrated: check DATABASE_URL's permissions and the log.",
  },
  "db.missing_reference": {
    retryable: false,
    fix: "A row refers to a connection or run that does not exist: report it with the log line.",
  },
  "db.not_found": { retryable: false, fix: "The record does not exist (any more)." },
  "db.query_failed": { retryable: false, fix: "The database refused a statement: see the log line with this code." },
  "db.unavailable": {
    retryable: true,
    fix: "The database cannot be reached: check DATABASE_URL and that Postgres runs.",
  },
  "emulator.start_failed": {
    retryable: false,
    fix: "An emulator could not start (often a port in use): choose other ports with --graph-port/--abm-port.",
  },
  "engine.busy": { retryable: true, fix: "A cycle is running: try again when it finishes (`status` shows it)." },
  "engine.cycle_failed": {
    retryable: false,
    fix: "The cycle failed unexpectedly; the run is marked failed and the next cycle re-matches ABM.",
  },
  "engine.failed": {
    retryable: false,
    fix: "The engine failed unexpectedly; the run is marked failed and the log has the cause.",
  },
  "engine.interrupted": {
    retryable: true,
    fix: "The process running the cycle stopped (shut down or died); the next cycle, on this or another replica, re-matches ABM and goes on.",
  },
  "engine.paused": { retryable: false, fix: "Scheduled cycles are paused: run `resume`." },
  "engine.rate_limited": {
    retryable: true,
    fix: "Entra allows few on-demand provisionings: try again after the time the message says.",
  },
  "engine.unsupported": {
    retryable: false,
    fix: "This engine cannot do that (the message says why); the native engine can.",
  },
  "engine.user_not_found": { retryable: false, fix: "No such user in Entra: check the UPN, mail or object id." },
  "entra.job_not_found": {
    retryable: false,
    fix: "The provisioning job does not exist: start provisioning once in Entra for the Apple Business Manager app.",
  },
  "entra.no_job": {
    retryable: false,
    fix: "The Apple Business Manager enterprise app has no provisioning job: set up provisioning in Entra first.",
  },
  "entra.no_user_rule": {
    retryable: false,
    fix: "Entra's provisioning schema has no rule for users: check the app's attribute mappings in Entra.",
  },
  "entra.protocol": { retryable: false, fix: "Graph answered in an unexpected shape: report it with the log line." },
  "entra.secrets_masked": {
    retryable: false,
    fix: "Graph returned masked secrets, so writing them back would break the SCIM token: change the setting in the Entra portal.",
  },
  "entra.service_principal_not_found": {
    retryable: false,
    fix: "ABM_SERVICE_PRINCIPAL_ID is not the object id of the Apple Business Manager enterprise app: copy it from Entra → Enterprise applications.",
  },
  "entra.several_jobs": {
    retryable: false,
    fix: "The app has several provisioning jobs: remove the extra ones in Entra.",
  },
  "graph.aborted": { retryable: false, fix: "The Graph request was cancelled (the service is stopping)." },
  "graph.ambiguous_lookup": { retryable: false, fix: "Several Entra users match: use the object id." },
  "graph.auth": {
    retryable: false,
    fix: "Entra refused the app's credentials: check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.",
  },
  "graph.delta_expired": { retryable: true, fix: "Entra's delta link expired; the next cycle reads everything again." },
  "graph.forbidden": {
    retryable: false,
    fix: "The app registration lacks Graph permissions: grant User.Read.All, GroupMember.Read.All and Application.Read.All (admin consent).",
  },
  "graph.handover_failed": {
    retryable: false,
    fix: "Storing a page of Entra changes failed; the cycle ends and the next one reads them again.",
  },
  "graph.not_configured": { retryable: false, fix: "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET." },
  "graph.not_found": { retryable: false, fix: "Graph does not know that object: check the id." },
  "graph.protocol": { retryable: false, fix: "Graph answered in an unexpected shape: report it with the log line." },
  "graph.throttled": { retryable: true, fix: "Graph asked us to slow down; it is retried after the time Graph said." },
  "graph.transient": { retryable: true, fix: "Graph failed for a moment; it is retried." },
  "internal.unexpected": { retryable: false, fix: "Something failed unexpectedly; see the log line with this code." },
  "scim.aborted": { retryable: false, fix: "The SCIM request was cancelled (the service is stopping)." },
  "scim.auth": {
    retryable: false,
    fix: "ABM refused the token: it expired or was revoked. Create a new one in ABM → Preferences → Directory Sync and set ABM_SCIM_TOKEN.",
  },
  "scim.conflict": {
    retryable: false,
    fix: "The address already belongs to another Apple Account (often a personal one). Ask the user to change the personal Apple Account's e-mail, or use a different userName; ABM then accepts the user.",
  },
  "scim.invalid": {
    retryable: false,
    fix: "ABM rejected the values. Check the user's attributes with `abm check <user>` and fix them in Entra.",
  },
  "scim.not_found": {
    retryable: false,
    fix: "The user no longer exists in ABM; the next full cycle recreates or relinks it.",
  },
  "scim.protocol": { retryable: false, fix: "ABM answered in an unexpected shape: report it with the log line." },
  "scim.rate_limited": { retryable: true, fix: "ABM asked us to slow down; the user is retried automatically." },
  "scim.transient": {
    retryable: true,
    fix: "ABM or the network failed temporarily; the user is retried automatically.",
  },
  "slack.api_error": {
    retryable: false,
    fix: "Slack refused the call: the message names Slack's error (often a missing scope: reinstall the app from manifest/slack/manifest.yaml).",
  },
  "slack.bad_response": {
    retryable: false,
    fix: "Slack answered in an unexpected shape: report it with the log line.",
  },
  "slack.bad_signature": {
    retryable: false,
    fix: "The request was not signed with SLACK_SIGNING_SECRET: check the secret in the Slack app's Basic Information.",
  },
  "slack.http_error": { retryable: false, fix: "Slack answered with an HTTP error: see the log line." },
  "slack.identity_unknown": {
    retryable: true,
    fix: "Slack could not say who the user is just now: try again in a moment.",
  },
  "slack.rate_limited": { retryable: true, fix: "Slack asked us to slow down; the message is retried." },
  "slack.replay_check_failed": {
    retryable: true,
    fix: "The replay check could not be written; Slack retries the request.",
  },
  "slack.replayed_request": {
    retryable: false,
    fix: "The same signed request came twice; the copy was refused (Slack's own retries carry a new timestamp).",
  },
  "slack.stale_request": {
    retryable: false,
    fix: "The request is older than 5 minutes: check the server's clock (NTP).",
  },
  "slack.unexpected": {
    retryable: false,
    fix: "The Slack request failed unexpectedly; see the log line with this code.",
  },
  "slack.unreachable": { retryable: true, fix: "Slack cannot be reached: check the network path to slack.com." },
  "slack.unsigned": { retryable: false, fix: "The request has no Slack signature: only Slack may call /slack/events." },
  "sync.plan_input": {
    retryable: false,
    fix: "The planner was given inconsistent input: report it with the log line.",
  },
  "sync.user_name_taken": {
    retryable: false,
    fix: "Another directory object already owns this userName in ABM. Remove or rename that account in ABM, or fix the duplicate in Entra.",
  },
  "teams.body_too_large": { retryable: false, fix: "The Teams request is too large; nothing was done." },
  "teams.config_invalid": {
    retryable: false,
    fix: "Fix the Teams settings (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID).",
  },
  "teams.handler_failed": {
    retryable: false,
    fix: "The Teams activity could not be handled; see the log line with this code.",
  },
  "teams.icons_invalid": {
    retryable: false,
    fix: "The Teams app icons must be 192×192 (colour) and 32×32 (outline) PNGs.",
  },
  "teams.invalid_activity": {
    retryable: false,
    fix: "The Teams activity is not one the bot understands; nothing was done.",
  },
  "teams.invalid_json": { retryable: false, fix: "The Teams request is not valid JSON; nothing was done." },
  "teams.manifest_invalid": { retryable: false, fix: "Fix manifest/teams/manifest.json as the message says." },
  "teams.no_activity_id": {
    retryable: false,
    fix: "Teams did not return the posted message's id, so it cannot be edited later.",
  },
  "teams.proactive_failed": { retryable: true, fix: "Posting to Teams failed; the outbox retries it." },
  "teams.reply_failed": {
    retryable: false,
    fix: "A card update or private note could not be delivered after the card answer; see the log line.",
  },
  "teams.unknown_conversation": {
    retryable: false,
    fix: "The bot has no reference for that conversation: type `alerts here` in it again.",
  },
} as const satisfies Readonly<Record<string, CodeInfo>>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True for the codes of this union (stored records may carry other codes, e.g. validation problems). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** What a person can do about an error with this code. */
export function errorFix(code: ErrorCode): string {
  return ERROR_CODES[code].fix;
}
/** The codes that mean "the other side asked us to slow down" (their `retryAfterMs` says how long). */
const RATE_LIMITS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "slack.rate_limited",
  "scim.rate_limited",
  "engine.rate_limited",
  "apple.rate_limited",
  "graph.throttled",
]);

export function isRateLimit(code: ErrorCode): boolean {
  return RATE_LIMITS.has(code);
}
