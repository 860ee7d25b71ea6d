-- One approval model (issue 14): payloads carry their kind; the entra engine's episodes move out of `watermarks`.
UPDATE "approvals" SET "kind" = 'native_batch', "payload" = "payload" || '{"kind":"native_batch"}'::jsonb WHERE "kind" = 'deletion_threshold';
--> statement-breakpoint
UPDATE "approvals" SET "kind" = 'entra_quarantine', "payload" = jsonb_build_object(
	'kind', 'entra_quarantine',
	'jobId', 'unknown',
	'episodeBegan', 'unknown',
	'runId', "payload"->'runId',
	'threshold', coalesce("payload"->'threshold', '0'::jsonb),
	'count', coalesce("payload"->'count', '0'::jsonb),
	'reason', coalesce("payload"->'reason', '""'::jsonb)
) WHERE "kind" = 'chat_batch';
--> statement-breakpoint
UPDATE "approvals" SET "result" = jsonb_set("result", '{status}', '"applied"') WHERE "result"->>'status' = 'already_decided';
--> statement-breakpoint
UPDATE "approvals" SET "message_refs" = coalesce(
	(SELECT jsonb_agg(m) FROM jsonb_array_elements("message_refs") AS m WHERE m->>'platform' IN ('slack', 'teams')),
	'[]'::jsonb
);
--> statement-breakpoint
DELETE FROM "watermarks" WHERE "name" LIKE 'entra:approval:%';
