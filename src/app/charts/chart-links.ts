import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { ChartBlock, RunBar } from "#core/chat/reply.js";
import type { Clock } from "#core/clock.js";
import type { Route } from "../http/server.js";
import { renderChartPng } from "./chart-image.js";

/**
 * Chart images for Slack, which shows an image only from a public URL it fetches itself.
 * The URL carries the chart (its bars, at most MAX_RUNS) and an expiry, signed with a key derived
 * from the Slack signing secret: `<ABM_PUBLIC_URL>/charts/<payload>.<signature>.png`. Nothing is
 * stored, so any replica serves any link and a restart loses nothing; a link cannot be guessed or
 * altered (HMAC-SHA256), and it stops working after TTL (404 for a bad signature, 410 when expired).
 */
const CHART_PATH = "/charts/";
const TTL_MS = 7 * 86_400_000;
const MAX_RUNS = 30;
const MAX_TOKEN_CHARS = 2_800; // Slack's image_url allows 3,000 characters
const KEY_LABEL = "abm-chatops chart links v1";

const payloadSchema = z.object({
  e: z.number().int().positive(),
  r: z
    .array(
      z.tuple([
        z.string().max(32),
        z.number().int().min(0),
        z.number().int().min(0),
        z.number().int().min(0),
        z.number().int().min(0),
      ]),
    )
    .max(MAX_RUNS),
});

export interface ChartLinks {
  /** a signed, expiring URL of the chart's PNG, or null when it would not fit Slack's limit */
  url(chart: ChartBlock): string | null;
  /** `GET /charts/*` on the service's HTTP server */
  readonly route: Route;
}

function sign(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(message);
}

export function createChartLinks(options: {
  readonly publicUrl: string;
  /** the Slack signing secret: the link key is derived from it, so every replica shares it */
  readonly secret: string;
  readonly clock: Clock;
  readonly ttlMs?: number;
}): ChartLinks {
  const key = createHmac("sha256", options.secret).update(KEY_LABEL).digest();
  const root = options.publicUrl.replace(/\/+$/, "");
  const ttl = options.ttlMs ?? TTL_MS;

  function bars(token: string): RunBar[] | "expired" | null {
    const match = /^([A-Za-z0-9_-]{1,2800})\.([A-Za-z0-9_-]{43})\.png$/.exec(token);
    if (match?.[1] === undefined || match[2] === undefined) return null;
    const expected = Buffer.from(sign(key, match[1]));
    const given = Buffer.from(match[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(match[1], "base64url").toString("utf8"));
    } catch {
      return null;
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) return null;
    if (parsed.data.e * 1000 <= options.clock.now().getTime()) return "expired";
    return parsed.data.r.map(([label, created, updated, deactivated, failed]) => ({
      label,
      created,
      updated,
      deactivated,
      failed,
    }));
  }

  return {
    url(chart) {
      const runs = chart.runs
        .slice(-MAX_RUNS)
        .map((b) => [b.label.slice(0, 32), b.created, b.updated, b.deactivated, b.failed]);
      const expires = Math.ceil((options.clock.now().getTime() + ttl) / 1000);
      const payload = Buffer.from(JSON.stringify({ e: expires, r: runs })).toString("base64url");
      if (payload.length > MAX_TOKEN_CHARS) return null;
      return `${root}${CHART_PATH}${payload}.${sign(key, payload)}.png`;
    },
    route: {
      method: "GET",
      path: `${CHART_PATH}*`,
      handler: async (req, res) => {
        const path = (req.url ?? "").split("?")[0] ?? "";
        const found = bars(path.slice(CHART_PATH.length));
        if (found === null) return answer(res, 404, "No such chart.");
        if (found === "expired") return answer(res, 410, "This chart link has expired.");
        const png = renderChartPng(found);
        res.writeHead(200, {
          "content-type": "image/png",
          "content-length": png.length,
          "cache-control": "private, max-age=3600",
        });
        res.end(png);
      },
    },
  };
}
