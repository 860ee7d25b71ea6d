import type { Prng } from "./prng.js";

/** A Graph user as the emulator stores and returns it (plain JSON, `id` always present). */
export type GraphUser = Record<string, unknown> & { id: string };

type UserState = "active" | "soft_deleted" | "hard_deleted";

export interface UserRecord {
  user: GraphUser;
  state: UserState;
  /** sequence number of the last change (create, patch, delete, restore) */
  seq: number;
  /** sequence number of the change that made the user visible (create or restore) */
  visibleSeq: number;
  /** property → sequence of its last PATCH, so incremental deltas return only what changed */
  changed: Map<string, number> | null;
}

interface GroupRecord {
  id: string;
  displayName: string;
  members: Set<string>;
}

export type PrincipalType = "User" | "Group";

interface AssignmentRecord {
  id: string;
  principalId: string;
  principalType: PrincipalType;
  principalDisplayName: string;
  createdDateTime: string;
}

export interface ChangeEntry {
  readonly seq: number;
  readonly id: string;
}

/**
 * The tenant behind the emulator. Every user change gets a sequence number and a change-log
 * entry, so a delta read from sequence S is a binary search plus a walk of the log tail.
 */
export interface GraphStore {
  readonly users: Map<string, UserRecord>;
  /** every user id in creation order (full reads page through this) */
  readonly order: string[];
  readonly log: ChangeEntry[];
  readonly groups: Map<string, GroupRecord>;
  readonly assignments: Map<string, AssignmentRecord>;
  seq(): number;
  /** delta tokens of an older epoch are expired */
  epoch(): number;
  expireDeltaTokens(): void;
  /** takes ownership of `input` */
  createUser(input: Record<string, unknown>): GraphUser;
  patchUser(id: string, patch: Record<string, unknown>): GraphUser | null;
  deleteUser(id: string, hard: boolean): boolean;
  restoreUser(id: string): GraphUser | null;
  createGroup(displayName: string, id?: string): GroupRecord;
  /** adds a user or group as a DIRECT member; false when either is unknown */
  addMember(groupId: string, memberId: string): boolean;
  removeMember(groupId: string, memberId: string): boolean;
  assign(principalId: string): AssignmentRecord | null;
  unassign(principalId: string): boolean;
  /** the groups a user belongs to, directly or through nested groups */
  transitiveGroupsOf(userId: string): Set<string>;
}

export function createGraphStore(ids: Prng, now: () => Date): GraphStore {
  const users = new Map<string, UserRecord>();
  const order: string[] = [];
  const log: ChangeEntry[] = [];
  const groups = new Map<string, GroupRecord>();
  const assignments = new Map<string, AssignmentRecord>();
  let seq = 0;
  let epoch = 1;

  const bump = (record: UserRecord): void => {
    seq += 1;
    record.seq = seq;
    log.push({ seq, id: record.user.id });
  };

  const displayNameOf = (principalId: string): string | null => {
    const user = users.get(principalId);
    if (user?.state === "active") return String(user.user.displayName ?? "");
    return groups.get(principalId)?.displayName ?? null;
  };

  return {
    users,
    order,
    log,
    groups,
    assignments,
    seq: () => seq,
    epoch: () => epoch,
    expireDeltaTokens() {
      epoch += 1;
    },
    createUser(input) {
      // takes ownership of `input` (fresh JSON or a seeded object): no copy, 100k users seed fast
      const id = typeof input.id === "string" && !users.has(input.id) ? input.id : ids.uuid();
      input.id = id;
      const user = input as GraphUser;
      if (user.accountEnabled === undefined) user.accountEnabled = true;
      if (user.userType === undefined) user.userType = "Member";
      if (user.createdDateTime === undefined) user.createdDateTime = now().toISOString();
      const record: UserRecord = { user, state: "active", seq: 0, visibleSeq: 0, changed: null };
      users.set(id, record);
      order.push(id);
      bump(record);
      record.visibleSeq = record.seq;
      return user;
    },
    patchUser(id, patch) {
      const record = users.get(id);
      if (record === undefined || record.state !== "active") return null;
      bump(record);
      const changed = record.changed ?? new Map<string, number>();
      for (const [key, value] of Object.entries(patch)) {
        if (key === "id") continue;
        record.user[key] = value;
        changed.set(key, record.seq);
      }
      record.changed = changed;
      return record.user;
    },
    deleteUser(id, hard) {
      const record = users.get(id);
      if (record === undefined || record.state === "hard_deleted") return false;
      if (!hard && record.state === "soft_deleted") return false;
      record.state = hard ? "hard_deleted" : "soft_deleted";
      if (hard) {
        record.user = { id };
        record.changed = null;
        for (const group of groups.values()) group.members.delete(id);
        assignments.delete(id);
      }
      bump(record);
      return true;
    },
    restoreUser(id) {
      const record = users.get(id);
      if (record === undefined || record.state !== "soft_deleted") return null;
      record.state = "active";
      record.changed = null;
      bump(record);
      record.visibleSeq = record.seq;
      return record.user;
    },
    createGroup(displayName, id) {
      const groupId = id !== undefined && !groups.has(id) && !users.has(id) ? id : ids.uuid();
      const group: GroupRecord = { id: groupId, displayName, members: new Set() };
      groups.set(groupId, group);
      return group;
    },
    addMember(groupId, memberId) {
      const group = groups.get(groupId);
      const isUser = users.get(memberId)?.state === "active";
      if (group === undefined || memberId === groupId || (!isUser && !groups.has(memberId))) return false;
      group.members.add(memberId);
      return true;
    },
    removeMember(groupId, memberId) {
      return groups.get(groupId)?.members.delete(memberId) ?? false;
    },
    assign(principalId) {
      const name = displayNameOf(principalId);
      if (name === null) return null;
      const existing = assignments.get(principalId);
      if (existing !== undefined) return existing;
      const record: AssignmentRecord = {
        id: ids.uuid(),
        principalId,
        principalType: groups.has(principalId) ? "Group" : "User",
        principalDisplayName: name,
        createdDateTime: now().toISOString(),
      };
      assignments.set(principalId, record);
      return record;
    },
    unassign(principalId) {
      return assignments.delete(principalId);
    },
    transitiveGroupsOf(userId) {
      const found = new Set<string>();
      let frontier = new Set([userId]);
      while (frontier.size > 0) {
        const next = new Set<string>();
        for (const group of groups.values()) {
          if (found.has(group.id)) continue;
          for (const member of frontier) {
            if (group.members.has(member)) {
              found.add(group.id);
              next.add(group.id);
              break;
            }
          }
        }
        frontier = next;
      }
      return found;
    },
  };
}
