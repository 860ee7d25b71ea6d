/**
 * The effective configuration, grouped by area. Built only by `loadConfig(env)` and frozen.
 * Unset optional values are `null` (never `undefined`), so every field is always present.
 */
import type { DigestTime } from "#core/chat/digest/period.js";
import type { RoleEntry } from "#core/chat/roles.js";
import type { AppleOrganization } from "#core/organization.js";
import type { MessagePlatform } from "#core/platform.js";
import type { EngineKind, SyncScope } from "#core/ports/provisioning-engine.js";

export type TeamsAppType = "SingleTenant" | "MultiTenant" | "UserAssignedMSI";

export type DatabaseConfig =
  | {
      readonly kind: "pglite";
      readonly url: null;
      /** `ABM_DATA_DIR` as given (relative paths are relative to the working directory) */
      readonly dataDir: string;
      /** where the embedded database lives: `<dataDir>/pglite` */
      readonly pgliteDir: string;
    }
  | {
      readonly kind: "postgres";
      /** secret-bearing: never log it; use `redactDatabaseUrl` for display */
      readonly url: string;
      readonly dataDir: string;
      readonly pgliteDir: null;
    };

export interface ScimConfig {
  readonly url: string;
  /** bearer token from ABM; `null` only in demo mode or with the `entra` engine */
  readonly token: string | null;
  readonly tokenExpiresAt: Date | null;
  /** ABM_SCIM_TOKEN_NEXT: the second token of Apple's overlap, used once ABM refuses `token` */
  readonly nextToken: string | null;
  readonly nextTokenExpiresAt: Date | null;
}

export interface AzureConfig {
  /** `null` only in demo mode */
  readonly tenantId: string | null;
  readonly clientId: string | null;
  readonly clientSecret: string | null;
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  /** object id of the "Apple Business Manager" enterprise app; required for `assigned` and `entra` */
  readonly servicePrincipalId: string | null;
}

/** The Apple Business API account of one organization (read-only users and audit events). */
export interface AppleApiConfig {
  /** `BUSINESSAPI.…` */
  readonly clientId: string;
  readonly keyId: string;
  /** path of the PEM file with the EC P-256 private key; the key itself is never logged */
  readonly privateKeyPath: string;
  readonly apiUrl: string;
  readonly tokenUrl: string;
}

export interface SyncConfig {
  readonly concurrency: number;
  readonly scope: SyncScope;
  readonly intervalMs: number;
  readonly deletionThreshold: number;
  /** lower-cased; empty means no domain check */
  readonly verifiedDomains: readonly string[];
  readonly attributeMapPath: string | null;
}

export type SlackConfig =
  | {
      readonly enabled: false;
      readonly botToken: null;
      readonly signingSecret: null;
      readonly appToken: null;
      readonly apiUrl: string;
    }
  | {
      readonly enabled: true;
      readonly botToken: string;
      readonly signingSecret: string;
      /** Socket Mode (xapp-…) when set, HTTP mode otherwise */
      readonly appToken: string | null;
      readonly apiUrl: string;
    };

export type TeamsConfig =
  | {
      readonly enabled: false;
      readonly anonymous: false;
      readonly appId: null;
      readonly appPassword: null;
      readonly tenantId: null;
      readonly appType: TeamsAppType;
    }
  | {
      /** `TEAMS_ALLOW_ANONYMOUS=true`: local clients (Agents Playground) without any app registration */
      readonly enabled: true;
      readonly anonymous: true;
      readonly appId: null;
      readonly appPassword: null;
      readonly tenantId: null;
      readonly appType: TeamsAppType;
    }
  | {
      readonly enabled: true;
      readonly anonymous: false;
      readonly appId: string;
      /** `null` only for `UserAssignedMSI` */
      readonly appPassword: string | null;
      /** required for SingleTenant and UserAssignedMSI */
      readonly tenantId: string | null;
      readonly appType: TeamsAppType;
    };

export interface AlertRoute {
  readonly platform: MessagePlatform;
  /** Slack channel id (`C012345`) or Teams channel/conversation id (`19:abc@thread.tacv2`) */
  readonly channel: string;
}

export interface AlertsConfig {
  /** every alert kind goes to these (`ABM_ALERT_CHANNELS` carries no kinds) */
  readonly routes: readonly AlertRoute[];
  /** `ABM_DIGEST_AT`: when digests are posted (weekly ones on Mondays); default 08:00 UTC */
  readonly digestAt: DigestTime;
}

/** Who may act, parsed once into the chat core's own entries (`createRoleChecker` takes them as they are). */
export interface RolesConfig {
  /** `ABM_VIEWERS`; empty: everyone in the bot's verified workspace/tenant may read */
  readonly viewers: readonly RoleEntry[];
  readonly operators: readonly RoleEntry[];
  readonly approvers: readonly RoleEntry[];
}

/**
 * One Apple organization and the Entra tenant that feeds it: from the environment (the single
 * connection `default`) or one entry of the `ABM_CONNECTIONS` file.
 */
export interface ConnectionConfig {
  /** `default`, or the file's id (lower-case letters, digits, dashes) */
  readonly id: string;
  /** shown to people: the file's `name`, or the id */
  readonly name: string;
  /** `school` when the SCIM URL is Apple School Manager's (`…/feeds/school/scim`) */
  readonly organization: AppleOrganization;
  readonly engine: EngineKind;
  readonly scim: ScimConfig;
  readonly azure: AzureConfig;
  readonly sync: SyncConfig;
  readonly alerts: AlertsConfig;
  readonly roles: RolesConfig;
  readonly approvalsRequired: number;
  /** null: the Apple side (reconcile, audit events) is off */
  readonly apple: AppleApiConfig | null;
}

export interface Config {
  /** true when nothing of ABM/Azure is configured: the demo (emulators) fills those in */
  readonly demo: boolean;
  readonly database: DatabaseConfig;
  readonly slack: SlackConfig;
  readonly teams: TeamsConfig;
  /** `ABM_CONNECTIONS` as given; null: the one connection `default` comes from the environment */
  readonly connectionsFile: string | null;
  /** at least one; ids unique */
  readonly connections: readonly [ConnectionConfig, ...ConnectionConfig[]];
  /** the HTTP server's listen address (`HOST`, default 127.0.0.1) */
  readonly host: string;
  /** `LOG_FORMAT`; `null`: readable lines on a terminal, JSON otherwise */
  readonly logFormat: "pretty" | "json" | null;
  readonly port: number;
  /**
   * `ABM_PUBLIC_URL`: the https root at which Slack reaches this service (the manifest's
   * `YOUR-HOST`); chart images in Slack are served from it. null: Slack shows charts as text.
   */
  readonly publicUrl: string | null;
}
