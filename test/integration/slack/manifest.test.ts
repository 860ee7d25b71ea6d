import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * The Slack manifests parse (a small YAML subset: maps, scalar lists, quoted scalars, `>-`
 * folded text, comments — enough for a manifest, strict about indentation and stray lines)
 * and declare what the app needs.
 */
type Node = string | Node[] | { [key: string]: Node };

function scalar(raw: string): string {
  const text = raw.trim();
  if (/^".*"$/.test(text)) return z.string().parse(JSON.parse(text));
  if (/^'.*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function parseYaml(source: string): Node {
  const lines = source
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").replace(/^#.*$/, ""))
    .filter((line) => line.trim() !== "");
  let i = 0;
  const indent = (line: string) => line.length - line.trimStart().length;

  function block(level: number): Node {
    const first = lines[i];
    if (first === undefined) throw new Error("unexpected end");
    if (first.trimStart().startsWith("- ")) {
      const list: Node[] = [];
      while (i < lines.length && indent(lines[i] ?? "") === level && (lines[i] ?? "").trimStart().startsWith("- ")) {
        const item = (lines[i] ?? "").trimStart().slice(2);
        if (/^[\w.-]+:(\s|$)/.test(item)) {
          // a map inside a list: re-read it with the item's indentation
          lines[i] = `${" ".repeat(level + 2)}${item}`;
          list.push(block(level + 2));
        } else {
          list.push(scalar(item));
          i += 1;
        }
      }
      return list;
    }
    const map: { [key: string]: Node } = {};
    while (i < lines.length && indent(lines[i] ?? "") === level) {
      const line = (lines[i] ?? "").trimStart();
      const match = /^([\w.-]+):(?:\s+(.*))?$/.exec(line);
      if (match === null) throw new Error(`not a mapping line: ${line}`);
      const key = match[1] ?? "";
      if (key in map) throw new Error(`duplicate key ${key}`);
      const value = match[2];
      i += 1;
      if (value === ">-" || value === "|") {
        const parts: string[] = [];
        while (i < lines.length && indent(lines[i] ?? "") > level) parts.push((lines[i++] ?? "").trim());
        map[key] = parts.join(value === ">-" ? " " : "\n");
      } else if (value !== undefined && value !== "") {
        map[key] = scalar(value);
      } else {
        const next = lines[i];
        if (next === undefined || indent(next) <= level) throw new Error(`empty value for ${key}`);
        map[key] = block(indent(next));
      }
    }
    if (i < lines.length && indent(lines[i] ?? "") > level) throw new Error(`bad indentation: ${lines[i]}`);
    return map;
  }

  const root = block(0);
  if (i !== lines.length) throw new Error(`unparsed line: ${lines[i]}`);
  return root;
}

const manifestSchema = z.object({
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140),
    long_description: z.string().min(175).max(4000),
    background_color: z.string().regex(/^#[0-9a-f]{6}$/i),
  }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1), always_online: z.string() }),
    app_home: z.object({
      home_tab_enabled: z.literal("true"),
      messages_tab_enabled: z.literal("true"),
      messages_tab_read_only_enabled: z.literal("true"),
    }),
    slash_commands: z.array(
      z.object({
        command: z.literal("/abm"),
        url: z.string().optional(),
        description: z.string().min(1),
        usage_hint: z.string().min(1),
        should_escape: z.string(),
      }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: z.string().optional(), bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.literal("true"), request_url: z.string().optional() }),
    socket_mode_enabled: z.enum(["true", "false"]),
    org_deploy_enabled: z.string(),
    token_rotation_enabled: z.string(),
  }),
});

const read = (name: string) => readFileSync(new URL(`../../../manifest/slack/${name}`, import.meta.url), "utf8");

describe("Slack manifests", () => {
  it("the HTTP manifest parses, posts everything to /slack/events and asks for exactly the needed scopes", () => {
    const manifest = manifestSchema.parse(parseYaml(read("manifest.yaml")));
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      "chat:write",
      "chat:write.public",
      "commands",
      "users:read",
      "users:read.email",
    ]);
    expect(manifest.features.slash_commands[0]?.url).toBe("https://YOUR-HOST/slack/events");
    expect(manifest.settings.interactivity.request_url).toBe("https://YOUR-HOST/slack/events");
    // the App Home tab: the one event the app subscribes to, posted to the same URL (no extra scope)
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: "https://YOUR-HOST/slack/events",
      bot_events: ["app_home_opened"],
    });
    expect(manifest.settings.socket_mode_enabled).toBe("false");
    expect(manifest.features.slash_commands[0]?.usage_hint).toContain("status");
  });

  it("the Socket Mode variant has no request URLs and enables Socket Mode", () => {
    const manifest = manifestSchema.parse(parseYaml(read("socket-mode.yaml")));
    expect(manifest.settings.socket_mode_enabled).toBe("true");
    expect(manifest.features.slash_commands[0]?.url).toBeUndefined();
    expect(manifest.settings.interactivity.request_url).toBeUndefined();
    expect(manifest.settings.event_subscriptions).toEqual({ bot_events: ["app_home_opened"] });
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      "chat:write",
      "chat:write.public",
      "commands",
      "users:read",
      "users:read.email",
    ]);
  });

  it("the parser refuses what it does not understand", () => {
    expect(() => parseYaml("a: 1\n  b: 2\n")).toThrow();
    expect(() => parseYaml("a:\nb: 1\n")).toThrow();
    expect(() => parseYaml("a: 1\na: 2\n")).toThrow();
  });
});
