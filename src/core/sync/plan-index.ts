import { AppError } from "../errors.js";
import type { TargetUser } from "../users.js";
import type { LinkState } from "./operations.js";

/** An ABM user as the planner reads it: its canonical fields and its id (a `ScimUser` is one). */
export type TargetRecord = TargetUser & { readonly id: string };

/** One way to find an ABM user (a Map is one). */
export interface TargetLookup {
  get(key: string): TargetRecord | undefined;
}

/** Lookups over ABM's users; userName keys are lower-cased (ABM userNames are case-insensitive). */
export interface TargetIndex {
  readonly byId: TargetLookup;
  readonly byExternalId: TargetLookup;
  readonly byUserName: TargetLookup;
}

export function indexTargets(users: readonly TargetRecord[]): TargetIndex {
  const byId = new Map<string, TargetRecord>();
  const byExternalId = new Map<string, TargetRecord>();
  const byUserName = new Map<string, TargetRecord>();
  for (const user of users) {
    byId.set(user.id, user);
    // the first one wins if ABM ever holds two: a stable choice, never a merge
    if (user.externalId !== null && !byExternalId.has(user.externalId)) byExternalId.set(user.externalId, user);
    const key = user.userName.toLowerCase();
    if (!byUserName.has(key)) byUserName.set(key, user);
  }
  return { byId, byExternalId, byUserName };
}

export interface LinkIndex {
  readonly byEntraId: ReadonlyMap<string, LinkState>;
  readonly byScimId: ReadonlyMap<string, LinkState>;
  readonly byUserName: ReadonlyMap<string, LinkState>;
}

/** Throws `sync.plan_input` when two links share an Entra id or an ABM id (the store must prevent it). */
export function indexLinks(links: readonly LinkState[]): LinkIndex {
  const byEntraId = new Map<string, LinkState>();
  const byScimId = new Map<string, LinkState>();
  const byUserName = new Map<string, LinkState>();
  for (const link of links) {
    if (byEntraId.has(link.entraId)) throw planInputError(`two links for Entra user ${link.entraId}`);
    if (byScimId.has(link.scimId)) throw planInputError(`two links to ABM user ${link.scimId}`);
    byEntraId.set(link.entraId, link);
    byScimId.set(link.scimId, link);
    const key = link.userName.toLowerCase();
    if (key !== "" && !byUserName.has(key)) byUserName.set(key, link);
  }
  return { byEntraId, byScimId, byUserName };
}

/** A caller bug (inconsistent planner input): thrown, not returned. */
export function planInputError(message: string): AppError {
  return new AppError("sync.plan_input", `Invalid sync plan input: ${message}.`, { retryable: false });
}
