import { z } from "zod";
import { APPLE_USER_STATUSES } from "#core/ports/apple-directory.js";

/** The Apple Business API's JSON shapes (JSON:API style), as far as this project reads them. */

const optionalText = z.string().nullish();

const meta = z
  .object({
    paging: z.object({ limit: z.number().int().optional(), nextCursor: z.string().nullish() }).optional(),
  })
  .optional();

export const userResource = z.object({
  type: z.literal("users"),
  id: z.string().min(1),
  attributes: z.object({
    firstName: optionalText,
    lastName: optionalText,
    status: z.enum(APPLE_USER_STATUSES),
    managedAppleAccount: optionalText,
    email: optionalText,
    isExternalUser: z.boolean().optional(),
    roleOuList: z.array(z.object({ roleName: z.string(), ouId: z.string().optional() })).optional(),
    employeeNumber: optionalText,
    department: optionalText,
    costCenter: optionalText,
    division: optionalText,
    createdDateTime: optionalText,
    updatedDateTime: optionalText,
  }),
});

export const userGroupResource = z.object({
  type: z.literal("userGroups"),
  id: z.string().min(1),
  attributes: z.object({
    name: z.string(),
    type: optionalText,
    totalMemberCount: z.number().int().optional(),
    status: optionalText,
  }),
});

export const linkage = z.object({ type: z.literal("users"), id: z.string().min(1) });

export const auditEventResource = z.object({
  type: z.literal("auditEvents"),
  id: z.string().min(1),
  attributes: z.object({
    eventDateTime: z.string(),
    type: z.string(),
    category: optionalText,
    actorType: z.string(),
    actorId: optionalText,
    actorName: optionalText,
    subjectType: optionalText,
    subjectId: optionalText,
    subjectName: optionalText,
    outcome: z.string(),
    groupId: optionalText,
  }),
});

export type UserResource = z.output<typeof userResource>;
export type UserGroupResource = z.output<typeof userGroupResource>;
export type AuditEventResource = z.output<typeof auditEventResource>;

/** One page of a list: its items and the cursor of the next page (null: the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta }).transform((page) => {
    const cursor = page.meta?.paging?.nextCursor;
    return { items: page.data, next: cursor === undefined || cursor === null || cursor === "" ? null : cursor };
  });
}

export const singleUser = z.object({ data: userResource });

export const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

export const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });
