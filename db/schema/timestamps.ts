import { timestamp } from "drizzle-orm/pg-core";

/** A `timestamptz` column mapped to a JS Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** created/updated timestamps; the repositories set them from the caller's clock. */
export const timestampColumns = () => ({
  createdAt: tstz("created_at").notNull().defaultNow(),
  updatedAt: tstz("updated_at").notNull().defaultNow(),
});
