import { type ChildProcess, spawn } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type ConnectionTargets, targetsFromEmulators } from "#app/connection.js";

const helloSchema = z.object({
  graph: z.object({
    baseUrl: z.string(),
    authorityHost: z.string(),
    tenantId: z.string(),
    clientId: z.string(),
    clientSecret: z.string(),
    servicePrincipalId: z.string(),
    verifiedDomain: z.string(),
    caPem: z.string(),
  }),
  abm: z.object({ scimUrl: z.string(), token: z.string() }),
  users: z.number(),
});
export type ChildHello = z.infer<typeof helloSchema>;

const statsSchema = z.object({
  ok: z.literal(true),
  abmUsers: z.number(),
  abmStats: z
    .object({
      total: z.number(),
      byMethod: z.record(z.string(), z.record(z.string(), z.number())),
      injected: z.object({ rateLimited: z.number() }).loose(),
    })
    .loose(),
  /** seconds from the first to the last SCIM write (POST, PATCH, PUT, DELETE) the ABM emulator saw (±10 ms) */
  abmWriteSeconds: z.number(),
  rssMb: z.number(),
  maxRssMb: z.number(),
});
const mutateSchema = z.object({ ok: z.literal(true), changed: z.number() });

export interface EmulatorProcess {
  readonly hello: ChildHello;
  readonly targets: ConnectionTargets;
  /** the configuration variables openServices needs (targets come from the child anyway) */
  readonly env: Record<string, string>;
  mutate(changes: { updates: number; creates: number; disables: number }): Promise<number>;
  stats(): Promise<z.infer<typeof statsSchema>>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./emulator-child.ts", import.meta.url));

export interface EmulatorProcessOptions {
  readonly users: number;
  readonly seed?: number;
  /** the ABM emulator's rate limit (requests/s) and latency (ms) from the start */
  readonly abmRateLimit?: number;
  readonly abmLatencyMs?: number;
}

/** Starts both emulators in a child process, seeded with `users` users (see emulator-child.ts). */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const args = ["--import", "tsx", CHILD, "--users", String(options.users), "--seed", String(options.seed ?? 1)];
  if (options.abmRateLimit !== undefined) args.push("--abm-rate-limit", String(options.abmRateLimit));
  if (options.abmLatencyMs !== undefined) args.push("--abm-latency-ms", String(options.abmLatencyMs));
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const pending: ((line: string) => void)[] = [];
  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator child exited with ${code}`)));
  });
  exited.catch(() => undefined);
  lines.on("line", (line) => pending.shift()?.(line));
  const next = (): Promise<string> => Promise.race([new Promise<string>((resolve) => pending.push(resolve)), exited]);
  const hello = helloSchema.parse(JSON.parse(await next()));
  const ask = async (command: unknown): Promise<unknown> => {
    const answer = next();
    child.stdin?.write(`${JSON.stringify(command)}\n`);
    return JSON.parse(await answer);
  };
  const { graph, abm } = hello;
  return {
    hello,
    targets: targetsFromEmulators(hello),
    env: {
      ABM_SCIM_TOKEN: abm.token,
      AZURE_TENANT_ID: graph.tenantId,
      AZURE_CLIENT_ID: graph.clientId,
      AZURE_CLIENT_SECRET: graph.clientSecret,
      ABM_SERVICE_PRINCIPAL_ID: graph.servicePrincipalId,
      ABM_VERIFIED_DOMAINS: graph.verifiedDomain,
    },
    mutate: async (changes) => mutateSchema.parse(await ask({ cmd: "mutate", ...changes })).changed,
    stats: async () => statsSchema.parse(await ask({ cmd: "stats" })),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
