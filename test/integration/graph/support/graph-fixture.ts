import { request } from "node:https";
import { connectGraph, createGraphDirectorySource, type GraphConnectionOptions } from "#adapters/graph/index.js";
import type { Clock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";
import type { DirectoryChange, DirectorySource, ReadChangesOutput } from "#core/ports/directory-source.js";
import type { GraphEmulator } from "#emulators/graph/start-graph-emulator.js";

const SELECT = [
  "userPrincipalName",
  "mail",
  "givenName",
  "surname",
  "accountEnabled",
  "department",
  "employeeId",
  "employeeOrgData.costCenter",
  "employeeOrgData.division",
] as const;

/** A clock that records every sleep and returns at once; `onSleep` can change the world meanwhile. */
export function recordingClock(
  onSleep: (ms: number, count: number) => void = () => undefined,
): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(),
    sleep: async (ms) => {
      sleeps.push(ms);
      onSleep(ms, sleeps.length);
    },
  };
}

/** the connection settings of the emulator's tenant, with a recording clock */
export function connectionFor(
  emulator: GraphEmulator,
  overrides: Partial<GraphConnectionOptions> = {},
): GraphConnectionOptions {
  return {
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    authorityHost: emulator.authorityHost,
    graphBaseUrl: emulator.baseUrl,
    trustedCaPem: emulator.caPem,
    clock: recordingClock(),
    logger: silentLogger,
    ...overrides,
  };
}

/** a directory source over its own Graph connection; `close()` releases that connection */
export type GraphDirectorySource = DirectorySource & { close(): Promise<void> };

export function sourceFor(
  emulator: GraphEmulator,
  overrides: Partial<GraphConnectionOptions> & { servicePrincipalId?: string; pageSize?: number } = {},
): GraphDirectorySource {
  const { servicePrincipalId, pageSize, ...connection } = overrides;
  const graph = connectGraph(connectionFor(emulator, connection));
  const source = createGraphDirectorySource({
    requester: graph.requester,
    servicePrincipalId: servicePrincipalId ?? emulator.servicePrincipalId,
    ...(pageSize === undefined ? {} : { pageSize }),
    logger: silentLogger,
  });
  return { ...source, close: () => graph.close() };
}

export interface CollectedRead {
  readonly batches: DirectoryChange[][];
  readonly changes: DirectoryChange[];
  readonly output: ReadChangesOutput;
}

/** readChanges with every batch collected; throws on an error result (the test then fails). */
export async function readAll(source: GraphDirectorySource, watermark: string | null): Promise<CollectedRead> {
  const batches: DirectoryChange[][] = [];
  const result = await source.readChanges({
    watermark,
    select: SELECT,
    onBatch: async (changes) => {
      batches.push([...changes]);
    },
  });
  if (!result.ok) throw result.error;
  return { batches, changes: batches.flat(), output: result.value };
}

/** Calls the emulator's `/_emulator/` control API over HTTPS, trusting its certificate. */
export function control(
  emulator: GraphEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${emulator.baseUrl}${path}`,
      {
        method,
        ca: emulator.caPem,
        headers:
          payload === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, json: text === "" ? null : (JSON.parse(text) as unknown) });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
