import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, logFormatFor } from "#app/logger.js";
import { AppError } from "#core/errors.js";

function capture(): { lines: () => Record<string, unknown>[]; text: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const text = () => chunks.join("");
  return {
    stream,
    text,
    lines: () =>
      text()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRETS = ["s3cr3t-a", "s3cr3t-b", "s3cr3t-c", "s3cr3t-d", "s3cr3t-e", "s3cr3t-f", "s3cr3t-g", "s3cr3t-h"];

describe("createLogger redaction", () => {
  it("redacts secrets nested at any depth, whatever their capitalisation or spelling", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    log.warn(
      {
        request: {
          headers: {
            Authorization: `Bearer ${SECRETS[0]}`,
            Cookie: `session=${SECRETS[1]}`,
            "X-Slack-Signature": `v0=${SECRETS[2]}`,
            "content-type": "application/json",
          },
        },
        deep: { a: { b: { c: { access_token: SECRETS[3], client_secret: SECRETS[4], "set-cookie": [SECRETS[5]] } } } },
        list: [{ refreshToken: SECRETS[6] }],
        userName: "ann@example.com",
      },
      "token exchange failed",
    );
    const text = out.text();
    for (const secret of SECRETS.slice(0, 7)) expect(text).not.toContain(secret);
    const [line] = out.lines();
    expect(line).toMatchObject({
      msg: "token exchange failed",
      userName: "ann@example.com",
      request: { headers: { Authorization: "[redacted]", "content-type": "application/json" } },
      deep: { a: { b: { c: { access_token: "[redacted]", client_secret: "[redacted]" } } } },
    });
  });

  it("redacts inside errors (err.*), their causes and contexts, and bearer tokens and query secrets in any text", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    const cause = Object.assign(new Error("upstream"), {
      config: { headers: { authorization: `Basic ${SECRETS[0]}` } },
    });
    const error = new AppError("graph.auth", "token request refused", {
      context: { clientSecret: SECRETS[1], url: `https://login.example/token?client_secret=${SECRETS[2]}&x=1` },
      cause,
    });
    log.error({ err: error, note: `sent Bearer ${SECRETS[3]}` }, "refused");
    const text = out.text();
    for (const secret of SECRETS.slice(0, 4)) expect(text).not.toContain(secret);
    const [line] = out.lines();
    expect(line?.err).toMatchObject({
      type: "AppError",
      message: "token request refused",
      code: "graph.auth",
      cause: { message: "upstream", config: { headers: { authorization: "[redacted]" } } },
    });
    expect(text).toContain("https://login.example/token?client_secret=[redacted]&x=1");
  });

  it("redacts child bindings and survives cycles", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream }).child({ auth: { password: SECRETS[0] } });
    const looped: Record<string, unknown> = { token: SECRETS[1] };
    looped.self = looped;
    log.info({ looped }, "hello");
    const text = out.text();
    expect(text).not.toContain(SECRETS[0]);
    expect(text).not.toContain(SECRETS[1]);
    expect(out.lines()[0]).toMatchObject({ msg: "hello", looped: { token: "[redacted]", self: "[circular]" } });
  });
});

describe("createLogger lines", () => {
  it("writes each key once, the innermost binding winning, even when a field repeats a binding", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream }).child({ component: "alerts" }).child({ component: "alerts" });
    log.info({ event: "x" }, "handled");
    log.child({ adapter: "teams" }).child({ adapter: "teams", component: "outbox" }).warn({ adapter: "slack" }, "w");
    const raw = out
      .text()
      .split("\n")
      .filter((l) => l !== "");
    expect(raw[0]?.match(/"component"/g)).toHaveLength(1);
    expect(raw[1]?.match(/"adapter"/g)).toHaveLength(1);
    expect(raw[1]?.match(/"component"/g)).toHaveLength(1);
    expect(out.lines()[1]).toMatchObject({ adapter: "slack", component: "outbox", msg: "w" });
  });

  it("pretty: one readable line per entry for a person at a terminal, secrets still redacted", () => {
    const out = capture();
    createLogger({ destination: out.stream, format: "pretty" })
      .child({ component: "engine" })
      .info({ runId: "run_1", token: "s3cr3t-z" }, "cycle finished");
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: cycle finished \{.*"component":"engine".*"runId":"run_1".*\}\n$/);
    expect(text).not.toContain("s3cr3t-z");
    expect(text).not.toMatch(/"pid"|"hostname"/);
  });

  it("LOG_FORMAT decides; unset: pretty on a terminal, JSON otherwise", () => {
    const tty = Object.assign(new Writable(), { isTTY: true });
    const pipe = new Writable();
    expect(logFormatFor(null, tty)).toBe("pretty");
    expect(logFormatFor(null, pipe)).toBe("json");
    expect(logFormatFor("json", tty)).toBe("json");
    expect(logFormatFor("pretty", pipe)).toBe("pretty");
  });
});
