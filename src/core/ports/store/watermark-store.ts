import type { StoreResult } from "./common.js";

/** Named resumption points per connection (e.g. `users.delta`: the Graph delta link). */
export interface WatermarkStore {
  get(connectionId: string, name: string): StoreResult<string | null>;
  set(connectionId: string, name: string, value: string, now: Date): StoreResult<void>;
  /** returns whether there was one */
  clear(connectionId: string, name: string): StoreResult<boolean>;
}
