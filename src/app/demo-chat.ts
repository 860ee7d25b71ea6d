import type { Config, ConnectionConfig } from "#config/config.js";
import { isLoopbackHost } from "#config/parse-scalars.js";
import type { RoleEntry } from "#core/chat/roles.js";

/**
 * The demo is a chat demo: Teams runs anonymously for the Microsoft 365 Agents Playground
 * (`npm run teams:playground`), whose current user — Alex Wilber, this Entra object id in
 * manifest/teams/playground/.m365agentsplayground.yml — is made operator and approver, and the
 * deletion threshold is low enough that unassigning one group holds a batch for approval.
 */
export const PLAYGROUND_USER = { name: "Alex Wilber", entraObjectId: "00000000-0000-0000-0000-000000000020" } as const;
export const DEMO_DELETION_THRESHOLD = 10;
export const DEMO_INTERVAL_MS = 30_000;

export interface DemoChat {
  readonly config: Config;
  /** Teams runs anonymously for the local playground (false: a real bot is configured, or HOST is not loopback) */
  readonly playground: boolean;
}

export function demoChatConfig(config: Config): DemoChat {
  const playground = !config.teams.enabled && isLoopbackHost(config.host);
  const anonymous = playground || config.teams.anonymous;
  const user: readonly RoleEntry[] = anonymous ? [{ kind: "entraObjectId", value: PLAYGROUND_USER.entraObjectId }] : [];
  const demo = (connection: ConnectionConfig): ConnectionConfig => ({
    ...connection,
    sync: { ...connection.sync, intervalMs: DEMO_INTERVAL_MS, deletionThreshold: DEMO_DELETION_THRESHOLD },
    roles: {
      ...connection.roles,
      operators: [...connection.roles.operators, ...user],
      approvers: [...connection.roles.approvers, ...user],
    },
  });
  const [first, ...rest] = config.connections;
  return {
    playground: anonymous,
    config: {
      ...config,
      connections: [demo(first), ...rest.map(demo)],
      teams: playground
        ? {
            enabled: true,
            anonymous: true,
            appId: null,
            appPassword: null,
            tenantId: null,
            appType: config.teams.appType,
          }
        : config.teams,
    },
  };
}
