CREATE TABLE "digest_subscriptions" (
	"connection_id" text NOT NULL,
	"platform" text NOT NULL,
	"channel_id" text NOT NULL,
	"cadence" text NOT NULL,
	"set_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_routes" ADD COLUMN "kinds" jsonb DEFAULT '["all"]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "digest_subscriptions" ADD CONSTRAINT "digest_subscriptions_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "digest_subscriptions_connection_platform_channel_uq" ON "digest_subscriptions" USING btree ("connection_id","platform","channel_id");