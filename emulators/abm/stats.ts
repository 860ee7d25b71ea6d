/** Requests the emulator answered on its SCIM endpoints, by method and status ("reset" for dropped ones). */
export interface EmulatorStats {
  readonly total: number;
  readonly byMethod: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** status429: random 429s (status429Rate); rateLimited: 429s of the rate limit (rateLimitPerSecond) */
  readonly injected: {
    readonly status429: number;
    readonly status5xx: number;
    readonly resets: number;
    readonly rateLimited: number;
  };
}

export function createStatsRecorder() {
  let total = 0;
  let byMethod = new Map<string, Map<string, number>>();
  let injected = { status429: 0, status5xx: 0, resets: 0, rateLimited: 0 };
  return {
    record(method: string, status: number | "reset"): void {
      total++;
      let statuses = byMethod.get(method);
      if (statuses === undefined) {
        statuses = new Map();
        byMethod.set(method, statuses);
      }
      const key = String(status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    },
    injected(kind: keyof EmulatorStats["injected"]): void {
      injected[kind]++;
    },
    snapshot(): EmulatorStats {
      const out: Record<string, Record<string, number>> = {};
      for (const [method, statuses] of byMethod) out[method] = Object.fromEntries(statuses);
      return { total, byMethod: out, injected: { ...injected } };
    },
    clear(): void {
      total = 0;
      byMethod = new Map();
      injected = { status429: 0, status5xx: 0, resets: 0, rateLimited: 0 };
    },
  };
}
