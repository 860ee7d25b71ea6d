import { type ChildProcess, execFileSync, execSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What a person sees in Microsoft's own local Teams client: `abm demo` (anonymous Teams) and the
 * real Microsoft 365 Agents Playground started by `npm run teams:playground`, driven by headless
 * Chromium. Every step is saved as a screenshot under test-results/playground/; the README's
 * pictures in docs/images/ are refreshed from them when the story passes.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = join(ROOT, "test-results", "playground");
const IMAGES = join(ROOT, "docs", "images");
const STEP_MS = 30_000;
/** the demo cycles every 30 s: a held batch shows up within one cycle, plus slack for a loaded runner */
const CYCLE_MS = 120_000;

function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH !== undefined) return process.env.CHROMIUM_PATH;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
    } catch {
      // not this one: try the next name
    }
  }
  return null;
}

const browserPath = chromiumPath();
// under CI a missing browser is a failure, never a skip
const run = browserPath !== null || process.env.CI === "true" ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Spawns a process and resolves once its output matches `ready` (bounded in time). */
function start(args: readonly string[], env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: "pipe" });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 90 s:\n${output.slice(-3000)}`)), 90_000);
    const check = (): void => {
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
}

async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

interface DemoInfo {
  readonly url: string;
  readonly tripThreshold: string;
  readonly emulators: { readonly abm: { readonly scimUrl: string }; readonly apple: { readonly apiUrl: string } };
}

/** the text as rendered, i.e. what a person reads (not the DOM's textContent) */
function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the test checks what a person sees
  return locator.innerText();
}

interface AbmUser {
  readonly userName: string;
  readonly active: boolean;
}

run("Teams in the Microsoft 365 Agents Playground, driven by headless Chromium", () => {
  let demo: Started | undefined;
  let playground: Started | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let info: DemoInfo;
  let playgroundUrl: string;
  let shot = 0;

  const abmOrigin = (): string => new URL(info.emulators.abm.scimUrl).origin;
  const abmUsers = async (): Promise<AbmUser[]> =>
    (await (await fetch(`${abmOrigin()}/_emulator/users`)).json()) as AbmUser[];
  const abmPatches = async (): Promise<number> => {
    const stats = (await (await fetch(`${abmOrigin()}/_emulator/stats`)).json()) as {
      byMethod: Record<string, Record<string, number>>;
    };
    return Object.values(stats.byMethod.PATCH ?? {}).reduce((a, b) => a + b, 0);
  };
  const save = async (name: string): Promise<string> => {
    shot += 1;
    const path = join(SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path });
    return path;
  };
  // in a channel the first box starts a new post; the others reply in threads
  const composer = () => page.locator('[contenteditable="true"][role="textbox"]').first();
  const cards = () => page.locator(".ac-adaptiveCard");
  /** sends a personal-chat message and waits for the bot's card that answers it */
  const ask = async (text: string) => {
    const before = await cards().count();
    await composer().click();
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
    await expect.poll(() => cards().count(), { timeout: STEP_MS }).toBeGreaterThan(before);
    return cards().nth(before);
  };
  /** @mentions the bot in the open channel with `text` and posts it */
  const post = async (text: string): Promise<void> => {
    await composer().click();
    await page.keyboard.type("@");
    await page.getByRole("menuitem", { name: "abm" }).click();
    await page.keyboard.type(` ${text}`);
    await page.getByRole("button", { name: "Post" }).click();
  };

  beforeAll(async () => {
    if (browserPath === null) throw new Error("No Chromium found: apt-get install chromium (or set CHROMIUM_PATH).");
    mkdirSync(SHOTS, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), "abm-playground-"));
    demo = await start(
      ["--import", "tsx", "src/app/cli/main.ts", "demo", "--json"],
      { ABM_DATA_DIR: dataDir, PORT: "0", LOG_FORMAT: "json" },
      /"msg":"cycle finished"/,
    );
    const line = demo
      .output()
      .split("\n")
      .find((l) => l.startsWith('{"ok":true') && l.includes('"tripThreshold"'));
    if (line === undefined) throw new Error(`no JSON banner:\n${demo.output().slice(-2000)}`);
    info = JSON.parse(line) as DemoInfo;
    const botPort = new URL(info.url).port;
    const port = await freePort();
    playgroundUrl = `http://127.0.0.1:${port}`;
    playground = await start(
      ["--import", "tsx", "manifest/teams/playground.ts", "--port", botPort, "--playground-port", String(port)],
      { ABM_DATA_DIR: dataDir },
      /Open http:\/\/127\.0\.0\.1:\d+ in a browser/,
    );
    browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(STEP_MS);
    await page.goto(playgroundUrl, { waitUntil: "domcontentloaded" });
    await page.getByText("Connected.").waitFor();
  }, 240_000);

  afterAll(async () => {
    if (browser !== undefined && page !== undefined) {
      writeFileSync(join(SHOTS, "last-page.txt"), await seen(page.locator("body")).catch((e: unknown) => String(e)));
      await page.screenshot({ path: join(SHOTS, "last-page.png"), fullPage: true }).catch(() => undefined);
    }
    await browser?.close();
    await stop(playground);
    await stop(demo);
  }, 60_000);

  it("status in the personal chat is a card with the state and the linked and failing counts", async () => {
    const card = await ask("status");
    const text = await seen(card);
    expect(text).toContain("ABM sync:");
    expect(text).toMatch(/State\s+Idle|State\s+Syncing/);
    expect(Number(/Linked users\s+(\d+)/.exec(text)?.[1])).toBeGreaterThan(100);
    expect(Number(/Failing users\s+(\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    copyFileSync(await save("status"), join(IMAGES, "teams-playground-status.png"));
  });

  it("errors lists the failing users with the fix", async () => {
    const card = await ask("errors");
    const text = await seen(card);
    expect(text).toMatch(/@contoso\.com/);
    expect(text).toMatch(/givenName|familyName|guest/);
    await save("errors");
  });

  it("home in the personal chat is the home screen card with the run chart drawn inline", async () => {
    const card = await ask("home");
    const text = await seen(card);
    expect(text).toContain("ABM sync:");
    expect(text).toMatch(/Last \d+ runs?/);
    expect(text).toContain("Failing users by reason");
    const chart = card.locator('img[src^="data:image/png;base64,"]');
    await expect.poll(() => chart.count(), { timeout: STEP_MS }).toBe(1);
    await expect.poll(() => chart.evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await card.scrollIntoViewIfNeeded();
    copyFileSync(await save("home"), join(IMAGES, "teams-playground-home.png"));
  });

  it("alerts here in the team channel, then users removed over the threshold: an approval card arrives there", async () => {
    await page.getByText("Apple admins").click();
    await post("alerts here");
    await page.getByText("Alerts will be posted here").waitFor();

    execSync(info.tripThreshold, { stdio: "ignore" });
    const card = page.locator(".ac-adaptiveCard").filter({ hasText: "Deletions held for approval" }).last();
    await card.waitFor({ timeout: CYCLE_MS });
    await expect.poll(() => card.getByRole("button", { name: "Approve", exact: true }).count()).toBe(1);
    expect(await card.getByRole("button", { name: "Reject", exact: true }).count()).toBe(1);
    expect(await seen(card)).toContain("Needs 1 approval; each person counts once.");
    copyFileSync(await save("approval"), join(IMAGES, "teams-playground-approval.png"));
  });

  it("a change made by hand in ABM reaches the channel as an audit alert card", async () => {
    // the demo reads Apple's audit log as often as it syncs (30 s); a person deletes an account in ABM
    const appleOrigin = new URL(info.emulators.apple.apiUrl).origin;
    const added = await fetch(`${appleOrigin}/_emulator/auditEvents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        eventDateTime: new Date().toISOString(),
        type: "ACCOUNT_DELETED",
        actorType: "USER",
        actorName: "Megan Bowen",
        subjectType: "USER",
        subjectName: "deleted.by.hand@contoso.com",
        outcome: "SUCCESS",
      }),
    });
    expect(added.status).toBe(201);
    const card = page
      .locator(".ac-adaptiveCard")
      .filter({ hasText: "Accounts added or deleted by hand in ABM" })
      .filter({ hasText: "deleted.by.hand@contoso.com" })
      .first();
    await card.waitFor({ timeout: CYCLE_MS });
    const text = await seen(card);
    expect(text).toContain("Megan Bowen deleted the account deleted.by.hand@contoso.com");
    expect(text).toContain("outside the Entra sync");
    await card.scrollIntoViewIfNeeded();
    copyFileSync(await save("audit"), join(IMAGES, "teams-playground-audit.png"));
  });

  it("Approve: the card turns approved in place, ABM deactivates the users exactly once, a second try changes nothing", async () => {
    const card = page.locator(".ac-adaptiveCard").filter({ hasText: "Deletions held for approval" }).last();
    const held = Number(/(\d+) users? would be deactivated/.exec(await seen(card))?.[1]);
    expect(held).toBeGreaterThan(10);
    const patchesBefore = await abmPatches();
    const activeBefore = (await abmUsers()).filter((u) => u.active).length;

    // the Playground redraws every card of the channel when any of them is edited (the open incidents'
    // counters change each 30 s cycle), which closes an opened inline confirmation: open it again then
    const confirm = card.getByRole("button", { name: `Deactivate ${held} users`, exact: true });
    for (let attempt = 1; ; attempt += 1) {
      await card.getByRole("button", { name: "Approve", exact: true }).click();
      await confirm.waitFor();
      if (attempt === 1) copyFileSync(await save("confirm"), join(IMAGES, "teams-playground-confirm.png"));
      try {
        await confirm.click({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }

    const approved = page.locator(".ac-adaptiveCard").filter({ hasText: "Deletions approved" }).last();
    await approved.waitFor({ timeout: CYCLE_MS });
    await approved.getByText(`${held} deactivated.`).waitFor({ timeout: CYCLE_MS });
    const text = await seen(approved);
    expect(text).toContain("Approved by Alex Wilber");
    expect(text.match(new RegExp(`${held} deactivated`, "g"))).toHaveLength(1);
    expect(await page.getByText("Deletions held for approval").count()).toBe(0);
    expect(await approved.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    copyFileSync(await save("approved"), join(IMAGES, "teams-playground-approved.png"));

    expect((await abmUsers()).filter((u) => u.active).length).toBe(activeBefore - held);
    expect((await abmPatches()) - patchesBefore).toBe(held);

    // the same decision again, typed: already decided, nothing sent to ABM
    const id = /apr_[a-z0-9]+/.exec(text)?.[0];
    expect(id).toBeDefined();
    await post(`approve ${id}`);
    // the answer is private: the bot says it to the person in their personal chat
    await page.getByText("Personal Chat").click();
    await page
      .getByText(/already (decided|approved)/i)
      .last()
      .waitFor();
    await save("already-approved");
    expect((await abmPatches()) - patchesBefore).toBe(held);
    expect((await abmUsers()).filter((u) => u.active).length).toBe(activeBefore - held);
  });
});
