import type { GraphStore, GraphUser, PrincipalType } from "./store.js";

/** The shape of `GET /_emulator/state` (docs/contracts.md §5). */
export interface EmulatorState {
  readonly users: GraphUser[];
  readonly deleted: GraphUser[];
  readonly groups: { id: string; displayName: string; members: string[] }[];
  readonly assignments: { principalId: string; principalType: PrincipalType }[];
}

export function snapshotState(store: GraphStore): EmulatorState {
  const users: GraphUser[] = [];
  const deleted: GraphUser[] = [];
  for (const id of store.order) {
    const record = store.users.get(id);
    if (record?.state === "active") users.push({ ...record.user });
    else if (record?.state === "soft_deleted") deleted.push({ ...record.user });
  }
  return {
    users,
    deleted,
    groups: [...store.groups.values()].map((g) => ({ id: g.id, displayName: g.displayName, members: [...g.members] })),
    assignments: [...store.assignments.values()].map((a) => ({
      principalId: a.principalId,
      principalType: a.principalType,
    })),
  };
}
