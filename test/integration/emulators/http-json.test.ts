import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_SCHEMA } from "#emulators/abm/scim-schema.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { type AppleBusinessEmulator, startAppleBusinessEmulator } from "#emulators/apple-business/server.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";

/**
 * The three emulators read request bodies through one module (emulators/http-json.ts): the same
 * 1 MB limit (413), empty body = `{}`, a body that is not JSON = 400, a body the schema refuses =
 * 400 naming the field; each answers in its own error shape and content type.
 */
interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly json: unknown;
}

function send(url: string, body: string, ca?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
      ...(ca === undefined ? {} : { ca }),
    };
    const req = (url.startsWith("https:") ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"]),
          json: text === "" ? null : (JSON.parse(text) as unknown),
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** a JSON string a little over the 1 MB limit */
const TOO_LARGE = JSON.stringify({ padding: "x".repeat(1_100_000) });

describe("the emulators' shared HTTP JSON handling", () => {
  let abm: AbmEmulator;
  let apple: AppleBusinessEmulator;
  let graph: GraphEmulator;

  beforeAll(async () => {
    [abm, apple, graph] = await Promise.all([
      startAbmEmulator({ token: "t0ken" }),
      startAppleBusinessEmulator(),
      startGraphEmulator({ users: 0 }),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([abm?.close(), apple?.close(), graph?.close()]);
  });

  it("ABM SCIM: SCIM errors as application/scim+json; its control API answers { error }", async () => {
    const origin = new URL(abm.scimUrl).origin;
    const large = await send(`${abm.scimUrl}/Users`, TOO_LARGE, undefined, { authorization: "Bearer t0ken" });
    expect(large).toEqual({
      status: 413,
      contentType: "application/scim+json",
      json: { schemas: [ERROR_SCHEMA], status: "413", detail: "The request body is too large." },
    });
    expect(await send(`${origin}/_emulator/faults`, "{not json")).toEqual({
      status: 400,
      contentType: "application/scim+json",
      json: { error: "The body is not valid JSON." },
    });
    const refused = await send(`${origin}/_emulator/conflicts`, JSON.stringify({ userNames: "ann" }));
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: expect.stringMatching(/^userNames: /) });
    expect(await send(`${origin}/_emulator/faults`, "")).toMatchObject({ status: 200, json: {} });
  });

  it("Apple Business API: JSON:API errors as application/json", async () => {
    const origin = new URL(apple.apiUrl).origin;
    const large = await send(`${origin}/_emulator/users`, TOO_LARGE);
    expect(large).toEqual({
      status: 413,
      contentType: "application/json",
      json: {
        errors: [
          {
            status: "413",
            code: "UNEXPECTED_ERROR",
            title: "The request body is too large.",
            detail: "The request body is too large.",
          },
        ],
      },
    });
    const notJson = await send(`${origin}/_emulator/users`, "{not json");
    expect(notJson).toMatchObject({
      status: 400,
      json: { errors: [{ status: "400", code: "PARAMETER_ERROR.INVALID", detail: "The body is not valid JSON." }] },
    });
    const refused = await send(`${origin}/_emulator/faults`, JSON.stringify({ status429Count: -1 }));
    expect(refused).toMatchObject({
      status: 400,
      json: { errors: [{ detail: expect.stringMatching(/^status429Count: /) }] },
    });
  });

  it("Graph: its control API answers { error } with Graph's OData content type", async () => {
    const large = await send(`${graph.baseUrl}/_emulator/users`, TOO_LARGE, graph.caPem);
    expect(large).toMatchObject({ status: 413, json: { error: "The request body is too large." } });
    expect(large.contentType).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(await send(`${graph.baseUrl}/_emulator/groups`, "{not json", graph.caPem)).toMatchObject({
      status: 400,
      json: { error: "The body is not valid JSON." },
    });
    const refused = await send(`${graph.baseUrl}/_emulator/groups`, JSON.stringify({ displayName: "" }), graph.caPem);
    expect(refused).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^displayName: /) } });
  });
});
