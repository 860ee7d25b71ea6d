import { describe, expect, it } from "vitest";
import { createLimiter } from "#adapters/abm-scim/limiter.js";

describe("createLimiter", () => {
  it("never runs more than the limit at once and runs everything", async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(limiter.active()).toBe(0);
  });

  it("frees the slot when a task throws", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "next")).toBe("next");
  });
});
