/** Environments shared by the config tests. Secret values are recognizable so leaks are easy to catch. */
export const SECRETS = {
  scimToken: "SCIMTOKEN-s3cr3t-0001",
  clientSecret: "CLIENTSECRET-s3cr3t-0002",
  botToken: "xoxb-BOTTOKEN-s3cr3t-0003",
  signingSecret: "SIGNINGSECRET-s3cr3t-0004",
  appToken: "xapp-APPTOKEN-s3cr3t-0005",
  appPassword: "APPPASSWORD-s3cr3t-0006",
  dbPassword: "DBPASSWORD-s3cr3t-0007",
  nextScimToken: "SCIMTOKEN-NEXT-s3cr3t-0008",
} as const;

export const GUID_A = "11111111-2222-4333-8444-555555555555";
export const GUID_B = "66666666-7777-4888-9999-aaaaaaaaaaaa";
export const GUID_C = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff";

/** A complete native configuration with Slack and Teams on. */
export const FULL_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: `postgres://abm:${SECRETS.dbPassword}@db.internal:5432/abm`,
  ABM_DATA_DIR: "/var/lib/abm",
  ABM_ENGINE: "native",
  ABM_SCIM_TOKEN: SECRETS.scimToken,
  ABM_SCIM_TOKEN_EXPIRES: "2027-05-01",
  ABM_SCIM_TOKEN_NEXT: SECRETS.nextScimToken,
  ABM_SCIM_TOKEN_NEXT_EXPIRES: "2028-03-01",
  AZURE_TENANT_ID: GUID_A,
  AZURE_CLIENT_ID: GUID_B,
  AZURE_CLIENT_SECRET: SECRETS.clientSecret,
  ABM_SERVICE_PRINCIPAL_ID: GUID_C,
  SLACK_BOT_TOKEN: SECRETS.botToken,
  SLACK_SIGNING_SECRET: SECRETS.signingSecret,
  SLACK_APP_TOKEN: SECRETS.appToken,
  MICROSOFT_APP_ID: GUID_B,
  MICROSOFT_APP_PASSWORD: SECRETS.appPassword,
  MICROSOFT_APP_TENANT_ID: GUID_A,
  ABM_ALERT_CHANNELS: "slack:C012345,teams:19:abc@thread.tacv2",
  ABM_OPERATORS: `U012ABCDEF,ann@example.com,group:${GUID_C}`,
  ABM_APPROVERS: "bob@example.com",
};

/** The minimum outside demo mode: native engine, assigned scope. */
export const MINIMAL_ENV: Readonly<Record<string, string>> = {
  ABM_SCIM_TOKEN: SECRETS.scimToken,
  AZURE_TENANT_ID: GUID_A,
  AZURE_CLIENT_ID: GUID_B,
  AZURE_CLIENT_SECRET: SECRETS.clientSecret,
  ABM_SERVICE_PRINCIPAL_ID: GUID_C,
};
