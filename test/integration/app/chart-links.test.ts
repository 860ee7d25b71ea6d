import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_HEIGHT, CHART_WIDTH } from "#app/charts/chart-image.js";
import { createChartLinks } from "#app/charts/chart-links.js";
import { PNG_SIGNATURE } from "#app/charts/png.js";
import type { ChartBlock } from "#core/chat/reply.js";
import { ManualClock } from "#test/support/chat/fakes.js";

/** The chart links Slack fetches: a signed, expiring URL served by the service's own HTTP route. */
const CHART: ChartBlock = {
  type: "chart",
  title: "Last 2 runs",
  runs: [
    { label: "12-03 10:00", created: 5, updated: 1, deactivated: 0, failed: 2 },
    { label: "12-03 10:30", created: 0, updated: 3, deactivated: 1, failed: 0 },
  ],
};

describe("chart links", () => {
  const clock = new ManualClock(new Date("2026-12-03T10:00:00Z"));
  let server: Server;
  let root: string;
  let links: ReturnType<typeof createChartLinks>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if ((req.url ?? "").startsWith("/charts/")) void links.route.handler(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    links = createChartLinks({ publicUrl: `${root}/`, secret: "slack-signing-secret-for-tests", clock });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("serves the chart's PNG at the URL it hands out", async () => {
    const url = links.url(CHART);
    expect(url).toMatch(new RegExp(`^${root}/charts/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}\\.png$`));
    const response = await fetch(url ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it("refuses a link whose signature or content was changed, or that was never handed out", async () => {
    const url = links.url(CHART) ?? "";
    const [, payload, signature] = /\/charts\/([^.]+)\.([^.]+)\.png$/.exec(url) ?? [];
    const flipped = `${signature?.slice(0, -1)}${signature?.endsWith("A") ? "B" : "A"}`;
    const forged = Buffer.from(JSON.stringify({ e: 9_999_999_999, r: [["x", 1, 0, 0, 0]] })).toString("base64url");
    for (const path of [
      `/charts/${payload}.${flipped}.png`,
      `/charts/${forged}.${signature}.png`,
      "/charts/nothing.png",
      "/charts/",
    ]) {
      const response = await fetch(`${root}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).not.toBe("image/png");
    }
  });

  it("refuses a link once it has expired (7 days)", async () => {
    const url = links.url(CHART) ?? "";
    clock.advance(7 * 86_400_000 - 60_000);
    expect((await fetch(url)).status).toBe(200);
    clock.advance(120_000);
    expect((await fetch(url)).status).toBe(410);
  });

  it("a link made with another secret is refused", async () => {
    const other = createChartLinks({ publicUrl: root, secret: "another-secret", clock });
    const url = other.url(CHART) ?? "";
    expect((await fetch(url)).status).toBe(404);
  });
});
