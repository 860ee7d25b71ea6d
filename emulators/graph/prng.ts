/** A small seeded PRNG (mulberry32): the same seed gives the same synthetic tenant. */
export interface Prng {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [0, max) */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  /** a UUID-shaped id (version 4 layout) drawn from this generator */
  uuid(): string;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const hex = (length: number): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += int(16).toString(16);
    return out;
  };
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[int(4)]}${hex(3)}-${hex(12)}`,
  };
}
