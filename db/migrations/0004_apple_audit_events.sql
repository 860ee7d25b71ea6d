CREATE TABLE "apple_audit_events" (
	"connection_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	"alerted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "apple_audit_events_pk" PRIMARY KEY("connection_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "apple_audit_events" ADD CONSTRAINT "apple_audit_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;