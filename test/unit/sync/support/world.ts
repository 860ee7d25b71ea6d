import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import { type LinkState, linkAfter, type SyncOp } from "#core/sync/operations.js";
import type { PlannedUser } from "#core/sync/planner.js";
import { prepareUsers } from "#core/sync/prepare.js";
import type { ScimUser, SourceUser, SourceValue, TargetUser } from "#core/users.js";

/** An Entra user with every default-mapped attribute set. */
export function entraUser(id: string, overrides: Record<string, SourceValue> = {}): SourceUser {
  return {
    id,
    attributes: {
      userPrincipalName: `${id}@example.com`,
      givenName: `Given ${id}`,
      surname: `Family ${id}`,
      mail: `${id}@example.com`,
      accountEnabled: true,
      preferredLanguage: "en-US",
      employeeId: `E-${id}`,
      department: "Sales",
      "employeeOrgData.costCenter": "CC1",
      "employeeOrgData.division": "North",
      ...overrides,
    },
  };
}

export function prepared(...users: SourceUser[]): PlannedUser[] {
  return prepareUsers(users, DEFAULT_ATTRIBUTE_MAP);
}

export function scimUser(id: string, target: TargetUser): ScimUser {
  return { ...target, id, version: null, lastModified: null };
}

/**
 * A tiny in-memory ABM plus link table that applies plans the way the executor will
 * (with `linkAfter`), so tests can check convergence and idempotence.
 */
export class World {
  readonly abm = new Map<string, ScimUser>();
  readonly links = new Map<string, LinkState>();
  private nextId = 1;

  targetUsers(): ScimUser[] {
    return [...this.abm.values()];
  }

  linkList(): LinkState[] {
    return [...this.links.values()];
  }

  /** an ABM user that exists without a link (created by hand or by another tool) */
  addAbmUser(target: TargetUser): ScimUser {
    const user = scimUser(`scim-${this.nextId++}`, target);
    this.abm.set(user.id, user);
    return user;
  }

  apply(ops: readonly SyncOp[]): void {
    for (const op of ops) {
      const previous = this.links.get(op.entraId) ?? null;
      let scimId: string | undefined;
      switch (op.action) {
        case "skip":
          continue;
        case "create":
          scimId = this.addAbmUser(op.target).id;
          break;
        case "adopt":
        case "update":
          this.patch(op.scimId, op.changes);
          if (op.action === "adopt" && op.replacesEntraId !== null) this.links.delete(op.replacesEntraId);
          break;
        case "deactivate":
          this.patch(op.scimId, { active: false });
          break;
        case "delete":
          this.abm.delete(op.scimId);
          break;
      }
      const next = linkAfter(op, previous, scimId);
      if (next === null) this.links.delete(op.entraId);
      else if (next !== undefined) this.links.set(op.entraId, next);
    }
  }

  private patch(id: string, changes: Partial<TargetUser>): void {
    const current = this.abm.get(id);
    if (current === undefined) throw new Error(`no ABM user ${id}`);
    this.abm.set(id, { ...current, ...changes });
  }
}
