import { connect, type Socket } from "node:net";

/**
 * A client on a bare TCP socket, for what fetch cannot do: send headers that promise a large
 * body and wait for the answer before sending it, or send the headers one byte at a time.
 */
export interface RawExchange {
  readonly socket: Socket;
  /** everything the server sent so far */
  received(): string;
  /** resolves with the status code once a status line arrived, or null after `timeoutMs` */
  status(timeoutMs: number): Promise<number | null>;
  /** resolves true when the server closed the connection within `timeoutMs` */
  closed(timeoutMs: number): Promise<boolean>;
}

export async function openRaw(port: number): Promise<RawExchange> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let text = "";
  let ended = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
  };
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    wake();
  });
  socket.on("error", () => undefined);
  socket.on("close", () => {
    ended = true;
    wake();
  });
  const until = <T>(probe: () => T | null, timeoutMs: number): Promise<T | null> =>
    new Promise((resolve) => {
      const check = () => {
        const value = probe();
        if (value === null) return;
        wakers.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        wakers.delete(check);
        resolve(null);
      }, timeoutMs);
      wakers.add(check);
      check();
    });
  return {
    socket,
    received: () => text,
    status: (timeoutMs) =>
      until(() => {
        const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
        return match?.[1] === undefined ? null : Number(match[1]);
      }, timeoutMs),
    closed: async (timeoutMs) => (await until(() => (ended ? true : null), timeoutMs)) === true,
  };
}

/** The request line and headers of a POST, ending with the blank line. */
export function postHead(path: string, headers: Readonly<Record<string, string>>): string {
  const lines = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\r\n")}\r\n\r\n`;
}
