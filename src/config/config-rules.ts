import type { ConfigProblem } from "./config-error.js";
import { IDENTITY_VARIABLES } from "./connections-file.js";
import { type ConfigVariable, envSchema, type ParsedEnv } from "./env-schema.js";
import { isLoopbackHost } from "./parse-scalars.js";

/** Anything of ABM or Azure: when none of these is set, the configuration is in demo mode. */
const CONNECTION_VARIABLES = [
  ...IDENTITY_VARIABLES,
  "AZURE_AUTHORITY_HOST",
  "GRAPH_BASE_URL",
] as const satisfies readonly ConfigVariable[];

type Env = Readonly<Record<string, string | undefined>>;

function isSet(env: Env, name: ConfigVariable): boolean {
  const value = env[name];
  return value !== undefined && value.trim() !== "";
}

export function isDemo(env: Env): boolean {
  return !isSet(env, "ABM_CONNECTIONS") && !CONNECTION_VARIABLES.some((name) => isSet(env, name));
}

/** The value of one field if it parses (its own problem is reported elsewhere), else `undefined`. */
function field<K extends ConfigVariable>(env: Env, name: K): ParsedEnv[K] | undefined {
  const parsed = envSchema.shape[name].safeParse(env[name]);
  return parsed.success ? (parsed.data as ParsedEnv[K]) : undefined;
}

/** Rules between the process's own variables (the chat platforms). */
export function processProblems(env: Env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const missing = missingIn(env, problems);
  slackProblems(env, missing, problems);
  teamsProblems(env, missing, problems);
  return problems;
}

function missingIn(env: Env, problems: ConfigProblem[]): Missing {
  return (variable, reason, fix) => {
    if (!isSet(env, variable)) problems.push({ variable, reason, fix });
  };
}

/**
 * Rules between one connection's variables: what is required for the chosen engine and scope, and
 * which values only make sense together. `env` is the connection's view: the environment, or the
 * environment overlaid with one entry of the connections file. Each problem names the variable to
 * change. In demo mode the emulators fill in the organization, so nothing of it is required.
 */
export function connectionProblems(env: Env, demo: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const missing = missingIn(env, problems);
  if (!demo) {
    const engineValid = !isSet(env, "ABM_ENGINE") || field(env, "ABM_ENGINE") !== undefined;
    const engine = field(env, "ABM_ENGINE") ?? "native";
    const scopeValid = !isSet(env, "SYNC_SCOPE") || field(env, "SYNC_SCOPE") !== undefined;
    const scope = field(env, "SYNC_SCOPE") ?? "assigned";
    const outsideDemo = "is required once ABM or Azure is configured (leave all of them unset for the demo)";
    if (engineValid && engine === "native") {
      missing(
        "ABM_SCIM_TOKEN",
        "is required for the native engine",
        "in ABM open Preferences → Directory Sync → Connect SCIM, copy the token and set ABM_SCIM_TOKEN",
      );
    }
    missing("AZURE_TENANT_ID", outsideDemo, "set the Directory (tenant) ID of your Entra tenant");
    missing("AZURE_CLIENT_ID", outsideDemo, "set the Application (client) ID of the app registration that calls Graph");
    missing("AZURE_CLIENT_SECRET", outsideDemo, "create a client secret on that app registration and set its value");
    const spFix = 'set the Object ID of the "Apple Business Manager" enterprise app (Entra → Enterprise applications)';
    if (engineValid && engine === "entra") {
      missing("ABM_SERVICE_PRINCIPAL_ID", "is required for the entra engine", spFix);
    } else if (scopeValid && scope === "assigned") {
      missing(
        "ABM_SERVICE_PRINCIPAL_ID",
        "is required for the assigned scope (the default)",
        `${spFix}, or set SYNC_SCOPE=all`,
      );
    }
  }

  alertProblems(env, problems);
  approvalProblems(env, problems);
  return problems;
}

type Missing = (variable: ConfigVariable, reason: string, fix: string) => void;

function slackProblems(env: Env, missing: Missing, problems: ConfigProblem[]): void {
  const hasToken = isSet(env, "SLACK_BOT_TOKEN");
  const hasSecret = isSet(env, "SLACK_SIGNING_SECRET");
  if (hasToken && !hasSecret) {
    missing(
      "SLACK_SIGNING_SECRET",
      "is required with SLACK_BOT_TOKEN",
      "copy it from Slack → Basic Information → App Credentials",
    );
  }
  if (hasSecret && !hasToken) {
    missing(
      "SLACK_BOT_TOKEN",
      "is required with SLACK_SIGNING_SECRET",
      "copy the xoxb-… token from Slack → OAuth & Permissions",
    );
  }
  if (isSet(env, "SLACK_APP_TOKEN") && !hasToken) {
    problems.push({
      variable: "SLACK_APP_TOKEN",
      reason: "is set but Slack is off (no SLACK_BOT_TOKEN)",
      fix: "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET too, or unset SLACK_APP_TOKEN",
    });
  }
}

function teamsProblems(env: Env, missing: Missing, problems: ConfigProblem[]): void {
  anonymousTeamsProblems(env, problems);
  if (!isSet(env, "MICROSOFT_APP_ID")) {
    for (const variable of ["MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID"] as const) {
      if (isSet(env, variable)) {
        problems.push({
          variable,
          reason: "is set but Teams is off (no MICROSOFT_APP_ID)",
          fix: `set MICROSOFT_APP_ID to the Azure Bot's Microsoft App ID, or unset ${variable}`,
        });
      }
    }
    return;
  }
  const typeValid = !isSet(env, "MICROSOFT_APP_TYPE") || field(env, "MICROSOFT_APP_TYPE") !== undefined;
  if (!typeValid) return;
  const type = field(env, "MICROSOFT_APP_TYPE") ?? "SingleTenant";
  if (type !== "UserAssignedMSI") {
    missing(
      "MICROSOFT_APP_PASSWORD",
      `is required for a ${type} Teams bot`,
      "create a client secret for the bot's app registration and set its value",
    );
  }
  if (type !== "MultiTenant") {
    missing(
      "MICROSOFT_APP_TENANT_ID",
      `is required for a ${type} Teams bot`,
      "set the Directory (tenant) ID where the bot's app registration lives",
    );
  }
}

/**
 * Anonymous Teams accepts activities without any token, so it is for a local client on this machine
 * only: never together with a real bot registration, never on a server that listens beyond loopback.
 */
function anonymousTeamsProblems(env: Env, problems: ConfigProblem[]): void {
  if (field(env, "TEAMS_ALLOW_ANONYMOUS") !== true) return;
  if (isSet(env, "MICROSOFT_APP_ID")) {
    problems.push({
      variable: "TEAMS_ALLOW_ANONYMOUS",
      reason: "cannot be combined with MICROSOFT_APP_ID: a registered bot must authenticate every activity",
      fix: "unset TEAMS_ALLOW_ANONYMOUS (it is for local clients such as the Agents Playground only)",
    });
  }
  const host = field(env, "HOST") ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    problems.push({
      variable: "TEAMS_ALLOW_ANONYMOUS",
      reason: `would accept unauthenticated Teams activities from the network (HOST=${host} listens beyond this machine)`,
      fix: "unset TEAMS_ALLOW_ANONYMOUS, or set HOST=127.0.0.1 to listen on this machine only",
    });
  }
}

function alertProblems(env: Env, problems: ConfigProblem[]): void {
  const routes = field(env, "ABM_ALERT_CHANNELS") ?? [];
  const slackOn = isSet(env, "SLACK_BOT_TOKEN") && isSet(env, "SLACK_SIGNING_SECRET");
  const teamsOn = isSet(env, "MICROSOFT_APP_ID") || field(env, "TEAMS_ALLOW_ANONYMOUS") === true;
  const offline = [
    ...(routes.some((route) => route.platform === "slack") && !slackOn
      ? ["slack (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)"]
      : []),
    ...(routes.some((route) => route.platform === "teams") && !teamsOn
      ? ["teams (set MICROSOFT_APP_ID and its credentials)"]
      : []),
  ];
  if (offline.length > 0) {
    problems.push({
      variable: "ABM_ALERT_CHANNELS",
      reason: "routes alerts to a chat platform that is off",
      fix: `turn on ${offline.join(" and ")}, or remove those routes`,
    });
  }
}

function approvalProblems(env: Env, problems: ConfigProblem[]): void {
  const required = field(env, "ABM_APPROVALS_REQUIRED") ?? 1;
  const approvers = field(env, "ABM_APPROVERS") ?? [];
  const hasGroup = approvers.some((entry) => entry.kind === "group");
  if (approvers.length > 0 && !hasGroup && approvers.length < required) {
    problems.push({
      variable: "ABM_APPROVALS_REQUIRED",
      reason: `asks for ${required} approvals but ABM_APPROVERS lists only ${approvers.length}`,
      fix: "lower ABM_APPROVALS_REQUIRED or add approvers",
    });
  }
}
