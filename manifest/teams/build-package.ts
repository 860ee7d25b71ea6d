import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yazl from "yazl";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import { colorIcon, inspectPng, outlineIcon } from "./icons.js";
import { type TeamsManifest, teamsManifestSchema } from "./manifest-schema.js";

/**
 * Builds the Teams app package: manifest.json with the bot id and domain filled in, plus the two
 * icons, zipped flat (Teams requires the three files at the root of the zip).
 */
export interface BuildPackageInput {
  /** folder with manifest.json (icons are generated there when missing) */
  readonly manifestDir: string;
  readonly outDir: string;
  readonly appId: string;
  /** public host of the bot endpoint, e.g. `abm.example.com`; omitted → validDomains stays empty */
  readonly domain?: string;
}

export interface BuiltPackage {
  readonly zipPath: string;
  readonly manifest: TeamsManifest;
  readonly files: readonly string[];
}

/** Writes the two icons next to the manifest when they are missing; returns their paths. */
export function ensureIcons(manifestDir: string): { color: string; outline: string } {
  const color = join(manifestDir, "color.png");
  const outline = join(manifestDir, "outline.png");
  if (!existsSync(color)) writeFileSync(color, colorIcon());
  if (!existsSync(outline)) writeFileSync(outline, outlineIcon());
  return { color, outline };
}

export function fillManifest(template: string, appId: string, domain: string | undefined): unknown {
  const raw = JSON.parse(template.replaceAll("{{MICROSOFT_APP_ID}}", appId)) as Record<string, unknown>;
  const host = domain ?? "example.invalid";
  const filled = JSON.parse(JSON.stringify(raw).replaceAll("{{BOT_DOMAIN}}", host)) as Record<string, unknown>;
  if (domain === undefined) filled.validDomains = [];
  return filled;
}

function problems(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
}

export async function buildTeamsPackage(input: BuildPackageInput): Promise<Result<BuiltPackage, AppError>> {
  const parsed = teamsManifestSchema.safeParse(
    fillManifest(readFileSync(join(input.manifestDir, "manifest.json"), "utf8"), input.appId, input.domain),
  );
  if (!parsed.success) {
    return err(new AppError("teams.manifest_invalid", `Teams manifest is invalid: ${problems(parsed.error)}.`));
  }
  const manifest = parsed.data;
  const icons = ensureIcons(input.manifestDir);
  const color = readFileSync(icons.color);
  const outline = readFileSync(icons.outline);
  const colorInfo = inspectPng(color);
  const outlineInfo = inspectPng(outline);
  const iconProblems: string[] = [];
  if (colorInfo.width !== 192 || colorInfo.height !== 192)
    iconProblems.push(`color icon is ${colorInfo.width}×${colorInfo.height}, must be 192×192`);
  if (outlineInfo.width !== 32 || outlineInfo.height !== 32)
    iconProblems.push(`outline icon is ${outlineInfo.width}×${outlineInfo.height}, must be 32×32`);
  if (!outlineInfo.whiteOnTransparent || !outlineInfo.hasTransparency)
    iconProblems.push("outline icon must be white on a transparent background");
  if (iconProblems.length > 0)
    return err(new AppError("teams.icons_invalid", `Teams icons are invalid: ${iconProblems.join("; ")}.`));

  mkdirSync(input.outDir, { recursive: true });
  const zipPath = join(input.outDir, `abm-chatops-teams-${manifest.version}.zip`);
  const zip = new yazl.ZipFile();
  const mtime = new Date("2025-01-01T00:00:00Z");
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), "manifest.json", { mtime });
  zip.addBuffer(color, manifest.icons.color, { mtime });
  zip.addBuffer(outline, manifest.icons.outline, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  writeFileSync(zipPath, Buffer.concat(chunks));
  return ok({ zipPath, manifest, files: ["manifest.json", manifest.icons.color, manifest.icons.outline] });
}
