import { z } from "zod";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigVariable } from "./env-schema.js";

/**
 * The `ABM_CONNECTIONS` file: several Apple organizations served by one bot. Each connection says
 * what the environment says for the single `default` connection, under the keys below; a key it
 * leaves out takes the environment's value (roles, interval, threshold… shared by every
 * connection), except the organization's identity (SCIM URL and token, tenant, app, enterprise app),
 * which each connection must name itself. Secrets are never in the file: it names the ENVIRONMENT
 * VARIABLE that holds each one (`"scimTokenVariable": "CONTOSO_SCIM_TOKEN"`).
 */
export const CONNECTION_KEYS = {
  engine: "ABM_ENGINE",
  scimUrl: "ABM_SCIM_URL",
  scimTokenVariable: "ABM_SCIM_TOKEN",
  scimTokenExpires: "ABM_SCIM_TOKEN_EXPIRES",
  scimTokenNextVariable: "ABM_SCIM_TOKEN_NEXT",
  scimTokenNextExpires: "ABM_SCIM_TOKEN_NEXT_EXPIRES",
  tenantId: "AZURE_TENANT_ID",
  clientId: "AZURE_CLIENT_ID",
  clientSecretVariable: "AZURE_CLIENT_SECRET",
  authorityHost: "AZURE_AUTHORITY_HOST",
  graphBaseUrl: "GRAPH_BASE_URL",
  servicePrincipalId: "ABM_SERVICE_PRINCIPAL_ID",
  verifiedDomains: "ABM_VERIFIED_DOMAINS",
  attributeMap: "ABM_ATTRIBUTE_MAP",
  concurrency: "SYNC_CONCURRENCY",
  scope: "SYNC_SCOPE",
  interval: "SYNC_INTERVAL",
  deletionThreshold: "DELETION_THRESHOLD",
  alertChannels: "ABM_ALERT_CHANNELS",
  digestAt: "ABM_DIGEST_AT",
  viewers: "ABM_VIEWERS",
  operators: "ABM_OPERATORS",
  approvers: "ABM_APPROVERS",
  approvalsRequired: "ABM_APPROVALS_REQUIRED",
  appleClientId: "APPLE_API_CLIENT_ID",
  appleKeyId: "APPLE_API_KEY_ID",
  applePrivateKey: "APPLE_API_PRIVATE_KEY",
  appleApiUrl: "APPLE_API_URL",
  appleTokenUrl: "APPLE_API_TOKEN_URL",
} as const satisfies Record<string, ConfigVariable>;

export type ConnectionKey = keyof typeof CONNECTION_KEYS;

/** Keys whose value is the NAME of the environment variable holding the secret. */
const SECRET_KEYS = new Set<ConnectionKey>(["scimTokenVariable", "scimTokenNextVariable", "clientSecretVariable"]);

/** Variables that say which organization and tenant a connection is: never shared between connections. */
export const IDENTITY_VARIABLES = [
  "ABM_SCIM_URL",
  "ABM_SCIM_TOKEN",
  "ABM_SCIM_TOKEN_EXPIRES",
  "ABM_SCIM_TOKEN_NEXT",
  "ABM_SCIM_TOKEN_NEXT_EXPIRES",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "ABM_SERVICE_PRINCIPAL_ID",
  "APPLE_API_CLIENT_ID",
  "APPLE_API_KEY_ID",
  "APPLE_API_PRIVATE_KEY",
] as const satisfies readonly ConfigVariable[];

/** what a secret's variable is called after the connection id, in the fix of a bad name */
const SECRET_SUFFIX: Partial<Record<ConnectionKey, string>> = {
  scimTokenVariable: "SCIM_TOKEN",
  scimTokenNextVariable: "SCIM_TOKEN_NEXT",
  clientSecretVariable: "AZURE_CLIENT_SECRET",
};

const ID = /^[a-z][a-z0-9-]{0,30}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_CONNECTIONS = 100;

/** A connection as the file gives it: its id and name, and its settings as environment variables. */
export interface ConnectionEntry {
  readonly id: string;
  readonly name: string;
  /** the variables this connection sets itself (secrets already read from the variables it names) */
  readonly variables: Readonly<Partial<Record<ConfigVariable, string>>>;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const listOrScalar = z.union([scalar, z.array(z.string())]);
const entrySchema = z.object({ id: z.string(), name: z.string().optional() }).catchall(listOrScalar);
const fileSchema = z.object({ connections: z.array(z.unknown()) });

/** Where a key of one connection is written, as problems name it. */
export function connectionPlace(id: string, key: string): string {
  return `ABM_CONNECTIONS[${id}].${key}`;
}

/**
 * Parses the file's text: every problem at once (unknown keys, bad ids, duplicates, a secret
 * written where its variable's NAME belongs, a named variable that is unset). Values are not
 * validated here: they go through the same parsers as the environment's.
 */
export function parseConnectionsFile(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { readonly entries: readonly ConnectionEntry[]; readonly problems: readonly ConfigProblem[] } {
  const fileFix = 'write {"connections":[{"id":"contoso","name":"Contoso","scimUrl":"…",…}]} (see docs/connections.md)';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = `is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    return { entries: [], problems: [{ variable: "ABM_CONNECTIONS", reason, fix: fileFix }] };
  }
  const file = fileSchema.safeParse(json);
  if (!file.success)
    return {
      entries: [],
      problems: [{ variable: "ABM_CONNECTIONS", reason: "has no connections list", fix: fileFix }],
    };
  const list = file.data.connections;
  if (list.length === 0 || list.length > MAX_CONNECTIONS) {
    const reason = `lists ${list.length} connections`;
    return { entries: [], problems: [{ variable: "ABM_CONNECTIONS", reason, fix: `list 1 to ${MAX_CONNECTIONS}` }] };
  }
  const problems: ConfigProblem[] = [];
  const entries: ConnectionEntry[] = [];
  list.forEach((raw, index) => {
    const entry = parseEntry(raw, index, env, problems);
    if (entry === null) return;
    if (entries.some((known) => known.id === entry.id)) {
      problems.push({
        variable: connectionPlace(entry.id, "id"),
        reason: "is used by two connections",
        fix: "give each connection its own id",
      });
      return;
    }
    entries.push(entry);
  });
  return { entries, problems };
}

function parseEntry(
  raw: unknown,
  index: number,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): ConnectionEntry | null {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    problems.push({
      variable: `ABM_CONNECTIONS[${index}]`,
      reason: "is not an object with a string id and string, number or list values",
      fix: 'write {"id":"contoso","name":"Contoso",…}',
    });
    return null;
  }
  const { id, name, ...rest } = parsed.data;
  if (!ID.test(id)) {
    problems.push({
      variable: `ABM_CONNECTIONS[${index}].id`,
      reason: `"${id.slice(0, 40)}" is not a connection id`,
      fix: "use 1–31 lower-case letters, digits or dashes, starting with a letter (e.g. contoso, school-east)",
    });
    return null;
  }
  const variables: Partial<Record<ConfigVariable, string>> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (!isConnectionKey(key)) {
      problems.push({
        variable: connectionPlace(id, key),
        reason: "is not a connection setting",
        fix: `use only id, name, ${Object.keys(CONNECTION_KEYS).join(", ")}`,
      });
      continue;
    }
    const text = Array.isArray(value) ? value.join(",") : String(value);
    if (SECRET_KEYS.has(key)) {
      const secret = readSecret(id, key, text, env, problems);
      if (secret !== undefined) variables[CONNECTION_KEYS[key]] = secret;
    } else variables[CONNECTION_KEYS[key]] = text;
  }
  return { id, name: name?.trim() || id, variables };
}

function isConnectionKey(key: string): key is ConnectionKey {
  return Object.hasOwn(CONNECTION_KEYS, key);
}

/** The value of the variable a secret key names; the key's own text is never echoed (it may be the secret). */
function readSecret(
  id: string,
  key: ConnectionKey,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): string | undefined {
  if (!VARIABLE_NAME.test(name)) {
    problems.push({
      variable: connectionPlace(id, key),
      reason: "is not the name of an environment variable (a secret is never written in the file)",
      fix: `put the secret in an environment variable such as ${id.toUpperCase().replaceAll("-", "_")}_${SECRET_SUFFIX[key] ?? "SECRET"} and write that name here`,
    });
    return undefined;
  }
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    problems.push({
      variable: connectionPlace(id, key),
      reason: `names ${name}, which is not set`,
      fix: `set ${name} in the service's environment`,
    });
    return undefined;
  }
  return value;
}

/** The file key under which a connection sets a variable (problems name the place to fix). */
export function keyOfVariable(variable: string): ConnectionKey | null {
  const found = Object.entries(CONNECTION_KEYS).find(([, name]) => name === variable);
  return found === undefined ? null : (found[0] as ConnectionKey);
}
