import { z } from "zod";
import type { TargetUser } from "#core/users.js";

/** The `user_links.last_pushed` JSON column: the TargetUser last sent to ABM. */
export const targetUserSchema: z.ZodType<TargetUser> = z.object({
  userName: z.string(),
  externalId: z.string().nullable(),
  active: z.boolean(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  email: z.string().nullable(),
  locale: z.string().nullable(),
  employeeNumber: z.string().nullable(),
  costCenter: z.string().nullable(),
  division: z.string().nullable(),
  department: z.string().nullable(),
});
