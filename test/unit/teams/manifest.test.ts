import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCommand } from "#core/chat/grammar.js";
import { buildTeamsPackage, fillManifest } from "../../../manifest/teams/build-package.js";
import { colorIcon, inspectPng, outlineIcon } from "../../../manifest/teams/icons.js";
import { teamsManifestSchema } from "../../../manifest/teams/manifest-schema.js";

const manifestDir = new URL("../../../manifest/teams/", import.meta.url).pathname;
const template = readFileSync(join(manifestDir, "manifest.json"), "utf8");
const APP_ID = "00000000-0000-4000-8000-0000000000aa";
const out = mkdtempSync(join(tmpdir(), "teams-package-"));

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Names of the entries in a zip, read from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const names: string[] = [];
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = zip.readUInt16LE(i + 28);
    names.push(zip.subarray(i + 46, i + 46 + nameLength).toString("utf8"));
  }
  return names;
}

describe("Teams app package", () => {
  it("generates icons of the right size; the outline is white on transparent", () => {
    expect(inspectPng(colorIcon())).toMatchObject({ width: 192, height: 192, hasTransparency: false });
    expect(inspectPng(outlineIcon())).toEqual({
      width: 32,
      height: 32,
      whiteOnTransparent: true,
      hasTransparency: true,
    });
    expect(colorIcon().equals(colorIcon())).toBe(true);
  });

  it("fills the bot id and domain and validates the manifest", () => {
    const manifest = teamsManifestSchema.parse(fillManifest(template, APP_ID, "abm.example.com"));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0]?.botId).toBe(APP_ID);
    expect(manifest.bots[0]?.scopes).toEqual(["personal", "team", "groupChat"]);
    expect(manifest.validDomains).toEqual(["abm.example.com"]);
    expect(manifest.bots[0]?.commandLists?.[0]?.commands.map((c) => c.title)).toEqual(
      expect.arrayContaining(["home", "status", "sync", "check", "approvals", "reconcile", "help"]),
    );
  });

  it("suggests only commands the chat grammar knows; one that needs an argument says which in its description", () => {
    const manifest = teamsManifestSchema.parse(fillManifest(template, APP_ID, "abm.example.com"));
    const commands = manifest.bots[0]?.commandLists?.flatMap((list) => list.commands) ?? [];
    expect(commands.length).toBeGreaterThan(0);
    const misleading = commands.filter(({ title, description }) => {
      const parsed = parseCommand(title);
      if (parsed.ok) return false;
      // Teams puts the title in the compose box: the admin then adds the argument the description names
      return parsed.error.code !== "chat.usage" || !description.startsWith(`${title} <`);
    });
    expect(misleading).toEqual([]);
  });

  it("rejects a bot id that is not a GUID and a command title over 32 characters", () => {
    expect(teamsManifestSchema.safeParse(fillManifest(template, "not-a-guid", undefined)).success).toBe(false);
    const long = template.replace('"title": "status"', `"title": "${"x".repeat(33)}"`);
    const result = teamsManifestSchema.safeParse(fillManifest(long, APP_ID, undefined));
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toContain(
      "command titles are at most 32 characters",
    );
  });

  it("writes a flat zip with the manifest and both icons", async () => {
    const built = await buildTeamsPackage({ manifestDir, outDir: out, appId: APP_ID, domain: "abm.example.com" });
    if (!built.ok) throw built.error;
    expect(zipEntries(readFileSync(built.value.zipPath)).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const bad = await buildTeamsPackage({ manifestDir, outDir: out, appId: "nope" });
    expect(bad.ok ? "" : bad.error.code).toBe("teams.manifest_invalid");
  });
});
