import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import { attributeHash, mapUser } from "#core/sync/mapping.js";
import type { LinkState } from "#core/sync/operations.js";
import { planSync } from "#core/sync/planner.js";
import { prepareUsers } from "#core/sync/prepare.js";
import type { ScimUser } from "#core/users.js";
import { entraUser } from "./support/world.js";

/**
 * A regression guard against accidentally quadratic planning, not a benchmark (figures for
 * 100,000 users come from `npm run bench -- sync-initial`): 20,000 users take about 0.1 s of CPU
 * per step on an idle 2-core box; a quadratic step would take minutes.
 */
const COUNT = 20_000;

describe("planner performance (bounded)", { timeout: 60_000 }, () => {
  // Bounded on CPU time (wall time is at the mercy of other test processes on a shared machine).
  it(`maps, validates and plans a full cycle of ${COUNT.toLocaleString("en")} users in under 3 s of CPU each`, () => {
    const sources = Array.from({ length: COUNT }, (_, i) => entraUser(`u${i}`));
    const links: LinkState[] = [];
    const targets: ScimUser[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      const source = sources[i];
      if (source === undefined || i % 2 === 1) continue; // half already synced
      const target = mapUser(source, DEFAULT_ATTRIBUTE_MAP);
      const stored = i % 10 === 0 ? { ...target, department: "Old" } : target;
      targets.push({ ...stored, id: `s${i}`, version: null, lastModified: null });
      links.push({
        entraId: source.id,
        scimId: `s${i}`,
        userName: target.userName,
        attributeHash: attributeHash(stored),
        active: true,
      });
    }

    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    const started = performance.now();
    const beforePrepare = process.cpuUsage();
    const users = prepareUsers(sources, DEFAULT_ATTRIBUTE_MAP, { verifiedDomains: ["example.com"] });
    const prepareCpu = cpuMs(beforePrepare);
    const beforePlan = process.cpuUsage();
    const plan = planSync({ kind: "full", users, links, targetUsers: targets });
    const planCpu = cpuMs(beforePlan);
    const wall = performance.now() - started;

    expect(plan.counts).toEqual({ create: COUNT / 2, adopt: 0, update: COUNT / 10, deactivate: 0, delete: 0, skip: 0 });
    expect(prepareCpu).toBeLessThan(3_000);
    expect(planCpu).toBeLessThan(3_000);
    expect(wall).toBeLessThan(30_000);
  });
});
