import type { StoredPlatform, StoreResult } from "./common.js";

export interface AlertRouteRecord {
  readonly connectionId: string;
  readonly platform: StoredPlatform;
  readonly channelId: string;
  readonly addedBy: string;
  readonly createdAt: Date;
}

/** Channels that receive alerts, unique per (connection, platform, channel). */
export interface AlertRouteStore {
  /** false when the route already existed */
  add(route: {
    readonly connectionId: string;
    readonly platform: StoredPlatform;
    readonly channelId: string;
    readonly addedBy: string;
    readonly now: Date;
  }): StoreResult<boolean>;
  /** false when there was no such route */
  remove(connectionId: string, platform: StoredPlatform, channelId: string): StoreResult<boolean>;
  list(connectionId: string): StoreResult<readonly AlertRouteRecord[]>;
}
