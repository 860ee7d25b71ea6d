import { z } from "zod";

/** A Graph user as returned with `$select`: `id` plus whatever was selected. */
export const GraphUserSchema = z.looseObject({ id: z.string().min(1) });

const DeltaEntrySchema = z.looseObject({
  id: z.string().min(1),
  "@removed": z.object({ reason: z.string() }).loose().optional(),
});

export const DeltaPageSchema = z.looseObject({
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
  value: z.array(DeltaEntrySchema),
});

export const UserListSchema = z.looseObject({
  "@odata.nextLink": z.string().optional(),
  value: z.array(GraphUserSchema),
});

export const AssignmentPageSchema = z.looseObject({
  "@odata.nextLink": z.string().optional(),
  value: z.array(
    z.looseObject({
      principalId: z.string().min(1),
      principalType: z.string(),
      principalDisplayName: z.string().nullable().optional(),
    }),
  ),
});

export const MemberPageSchema = z.looseObject({
  "@odata.nextLink": z.string().optional(),
  value: z.array(
    z.looseObject({
      id: z.string().min(1),
      "@odata.type": z.string().optional(),
      displayName: z.string().nullable().optional(),
    }),
  ),
});

export const StringCollectionSchema = z.looseObject({ value: z.array(z.string()) });

/** A soft-deleted user in `directory/deletedItems`. */
export const DeletedUserSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string().nullable().optional(),
  deletedDateTime: z.string().nullable().optional(),
});

export const DeletedUserListSchema = z.looseObject({ value: z.array(DeletedUserSchema) });
