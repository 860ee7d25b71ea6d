ALTER TABLE "alerts" ADD COLUMN "opening" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- parent refs posted before openings existed belong to their incident's first (and only known) opening
UPDATE "alerts" SET "message_refs" = (
  SELECT coalesce(jsonb_agg(CASE WHEN ref ? 'opening' THEN ref ELSE ref || '{"opening":0}'::jsonb END), '[]'::jsonb)
  FROM jsonb_array_elements("alerts"."message_refs") AS ref
) WHERE jsonb_array_length("message_refs") > 0;
