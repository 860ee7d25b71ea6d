import { randomUUID } from "node:crypto";
import { z } from "zod";

/** The Apple Business API's resources as the emulator keeps them (JSON:API `type`, `id`, `attributes`). */

const STATUSES = ["NEW", "RELEASED", "ACTIVE", "DEACTIVATED", "LOCKED", "LOCKED_FOR_SHARED_IPAD"] as const;
const text = z.string().max(512).nullable().optional();

export const userInput = z
  .object({
    id: z.string().min(1).max(64).optional(),
    firstName: text,
    lastName: text,
    status: z.enum(STATUSES).default("ACTIVE"),
    managedAppleAccount: z.string().min(3).max(256),
    email: text,
    isExternalUser: z.boolean().default(false),
    roleOuList: z
      .array(z.object({ roleName: z.string().min(1), ouId: z.string().min(1) }))
      .default([{ roleName: "Staff", ouId: "ou-1" }]),
    employeeNumber: text,
    department: text,
    costCenter: text,
    division: text,
  })
  .strict();

export const groupInput = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(256),
    userIds: z.array(z.string()).default([]),
  })
  .strict();

/** The 33 event types of the audit log the emulator accepts (Apple's list; see docs/apple-business-api.md). */
const AUDIT_EVENT_TYPES = [
  "ACCOUNT_ADDED",
  "ACCOUNT_DELETED",
  "ACCOUNT_ROLE_LOCATION_CHANGED",
  "EXTERNAL_ACCOUNT_ASSOCIATED",
  "EXTERNAL_ACCOUNT_DISASSOCIATED",
  "DOMAIN_ADDED",
  "DOMAIN_REMOVED",
  "DOMAIN_VERIFIED",
  "API_ACCOUNT_CREATED_WITH_KEY",
  "API_ACCOUNT_CREATED_WITHOUT_KEY",
  "API_ACCOUNT_DELETED",
  "API_ACCOUNT_KEY_GENERATED",
  "API_ACCOUNT_KEY_REVOKED",
  "API_ACCOUNT_NAME_CHANGED",
  "API_ACCOUNT_ROLE_LOCATION_CHANGED",
  "DEVICE_ADDED_TO_ORG",
  "DEVICE_REMOVED_FROM_ORG",
  "DEVICE_ASSIGNED_TO_SERVER",
  "DEVICE_UNASSIGNED_FROM_SERVER",
  "DEVICE_IS_ERASED",
  "CONFIG_SETTINGS_CREATED",
  "CONFIG_SETTINGS_UPDATED",
  "CONFIG_SETTINGS_DELETED",
  "COLLECTION_CREATED",
  "COLLECTION_UPDATED",
  "COLLECTION_DELETED",
  "SUBSCRIPTION_CREATED",
  "SUBSCRIPTION_UPDATED",
  "SUBSCRIPTION_DELETED",
  "SUBJECT_HAS_ICLOUD_STORAGE_PURCHASE_ADDED",
  "SUBJECT_HAS_ICLOUD_STORAGE_PURCHASE_REMOVED",
  "SUBJECT_HAS_APPLECARE_PURCHASE_ADDED",
  "SUBJECT_HAS_APPLECARE_PURCHASE_REMOVED",
] as const;

export const auditEventInput = z
  .object({
    id: z.string().min(1).max(64).optional(),
    eventDateTime: z.iso.datetime(),
    type: z.enum(AUDIT_EVENT_TYPES),
    actorType: z.enum(["USER", "API_USER", "SYSTEM"]),
    actorId: text,
    actorName: text,
    subjectType: text,
    subjectId: text,
    subjectName: text,
    outcome: z.enum(["SUCCESS", "FAILURE"]).default("SUCCESS"),
    groupId: text,
  })
  .strict();

export type UserInput = z.output<typeof userInput>;
type AuditEventInput = z.output<typeof auditEventInput>;

interface StoredUser extends Omit<UserInput, "id"> {
  readonly id: string;
  readonly createdDateTime: string;
  readonly updatedDateTime: string;
}

interface StoredGroup {
  readonly id: string;
  readonly name: string;
  readonly userIds: string[];
}

interface StoredEvent extends Omit<AuditEventInput, "id"> {
  readonly id: string;
}

export interface Resource {
  readonly type: string;
  readonly id: string;
  readonly attributes?: Record<string, unknown>;
}

export function createAppleStore() {
  const users = new Map<string, StoredUser>();
  const groups = new Map<string, StoredGroup>();
  const events: StoredEvent[] = [];

  return {
    addUser(input: UserInput, now: Date): Resource {
      const id = input.id ?? randomUUID();
      const stamp = now.toISOString();
      const user: StoredUser = { ...input, id, createdDateTime: stamp, updatedDateTime: stamp };
      users.set(id, user);
      return userResource(user);
    },
    user: (id: string): Resource | null => {
      const user = users.get(id);
      return user === undefined ? null : userResource(user);
    },
    users: (): Resource[] => [...users.values()].map(userResource),
    addGroup(input: z.output<typeof groupInput>): Resource {
      const group: StoredGroup = { id: input.id ?? randomUUID(), name: input.name, userIds: [...input.userIds] };
      groups.set(group.id, group);
      return groupResource(group);
    },
    group: (id: string): Resource | null => {
      const group = groups.get(id);
      return group === undefined ? null : groupResource(group);
    },
    groups: (): Resource[] => [...groups.values()].map(groupResource),
    groupUsers: (id: string): Resource[] | null =>
      groups.get(id)?.userIds.map((userId) => ({ type: "users", id: userId })) ?? null,
    addEvent(input: AuditEventInput): Resource {
      const event: StoredEvent = { ...input, id: input.id ?? randomUUID() };
      events.push(event);
      events.sort((a, b) => a.eventDateTime.localeCompare(b.eventDateTime) || a.id.localeCompare(b.id));
      return eventResource(event);
    },
    events(filter: {
      readonly start: number;
      readonly end: number | null;
      readonly actorId: string | null;
      readonly subjectId: string | null;
      readonly type: string | null;
    }): Resource[] {
      return events
        .filter((event) => {
          const at = Date.parse(event.eventDateTime);
          return (
            at >= filter.start &&
            (filter.end === null || at <= filter.end) &&
            (filter.actorId === null || event.actorId === filter.actorId) &&
            (filter.subjectId === null || event.subjectId === filter.subjectId) &&
            (filter.type === null || event.type === filter.type)
          );
        })
        .map(eventResource);
    },
    reset(): void {
      users.clear();
      groups.clear();
      events.length = 0;
    },
  };
}

export type AppleStore = ReturnType<typeof createAppleStore>;

function userResource(user: StoredUser): Resource {
  const { id, ...attributes } = user;
  return { type: "users", id, attributes };
}

function groupResource(group: StoredGroup): Resource {
  return {
    type: "userGroups",
    id: group.id,
    attributes: { name: group.name, type: "STANDARD", totalMemberCount: group.userIds.length, status: "ACTIVE" },
  };
}

function eventResource(event: StoredEvent): Resource {
  const { id, ...attributes } = event;
  return { type: "auditEvents", id, attributes };
}
