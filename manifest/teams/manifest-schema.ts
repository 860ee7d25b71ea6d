import { z } from "zod";

/**
 * The rules of Teams app manifest v1.22 that this package relies on, checked before zipping
 * (Teams would otherwise reject the upload with a terse message). Not the whole official schema.
 */
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
const httpsUrl = z.string().url().startsWith("https://", "must be https");
const scope = z.enum(["personal", "team", "groupChat"]);

const command = z.object({
  title: z.string().min(1).max(32, "command titles are at most 32 characters"),
  description: z.string().min(1).max(128, "command descriptions are at most 128 characters"),
});

export const teamsManifestSchema = z.object({
  $schema: z.literal("https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"),
  manifestVersion: z.literal("1.22"),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be semver x.y.z"),
  id: guid,
  developer: z.object({
    name: z.string().min(1).max(32),
    websiteUrl: httpsUrl,
    privacyUrl: httpsUrl,
    termsOfUseUrl: httpsUrl,
  }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().max(100).optional() }),
  description: z.object({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.object({ color: z.string().endsWith(".png"), outline: z.string().endsWith(".png") }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  bots: z
    .array(
      z.object({
        botId: guid,
        scopes: z.array(scope).min(1),
        supportsFiles: z.boolean().optional(),
        isNotificationOnly: z.boolean().optional(),
        commandLists: z
          .array(z.object({ scopes: z.array(scope).min(1), commands: z.array(command).min(1).max(10) }))
          .max(3)
          .optional(),
      }),
    )
    .length(1),
  permissions: z.array(z.enum(["identity", "messageTeamMembers"])).optional(),
  validDomains: z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i, "a host name without scheme or path")).max(16),
});
export type TeamsManifest = z.infer<typeof teamsManifestSchema>;
