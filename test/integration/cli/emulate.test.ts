// `abm emulate` in process: the flags that make the ABM emulator play a real, distant ABM.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLocalAppAccess } from "#app/cli/app-access.js";
import { createCommandRegistry } from "#app/cli/commands/registry.js";
import { runCli } from "#app/cli/router.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";

const line = z.object({ abm: z.object({ scimUrl: z.string(), token: z.string() }) }).loose();

describe("abm emulate", () => {
  it("--abm-rate-limit and --abm-latency-ms: a slow ABM that answers 429 with Retry-After over the limit", async () => {
    const stop = new AbortController();
    let stdout = "";
    let printed: () => void = () => undefined;
    const hello = new Promise<void>((resolve) => {
      printed = resolve;
    });
    const exited = runCli({
      argv: ["emulate", "--json", "--users", "0", "--abm-rate-limit", "2", "--abm-latency-ms", "40"],
      config: loadConfig({}),
      stdout: {
        write: (text) => {
          stdout += text;
          printed();
        },
      },
      stderr: { write: () => undefined },
      commands: createCommandRegistry({
        clock: systemClock,
        access: createLocalAppAccess({ clock: systemClock }),
        env: {},
      }),
      signal: stop.signal,
    });
    try {
      await Promise.race([hello, new Promise((_, reject) => setTimeout(() => reject(new Error("no line")), 20_000))]);
      const { abm } = line.parse(JSON.parse(stdout));
      const get = async (): Promise<{ status: number; retryAfter: string | null; ms: number }> => {
        const started = performance.now();
        const res = await fetch(`${abm.scimUrl}/Users`, { headers: { authorization: `Bearer ${abm.token}` } });
        await res.text();
        return { status: res.status, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started };
      };
      const answers = [await get(), await get(), await get()];
      expect(answers.map((a) => [a.status, a.retryAfter])).toEqual([
        [200, null],
        [200, null],
        [429, "1"],
      ]);
      for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(38);
    } finally {
      stop.abort();
      expect(await exited).toBe(0);
    }
  });

  it("refuses a rate limit of 0 as bad usage", async () => {
    let stderr = "";
    const code = await runCli({
      argv: ["emulate", "--abm-rate-limit", "0"],
      config: loadConfig({}),
      stdout: { write: () => undefined },
      stderr: {
        write: (text) => {
          stderr += text;
        },
      },
      commands: createCommandRegistry({
        clock: systemClock,
        access: createLocalAppAccess({ clock: systemClock }),
        env: {},
      }),
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/abm-rate-limit/);
  });
});
