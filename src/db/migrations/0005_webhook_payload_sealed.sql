ALTER TABLE "webhook_events" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "payload_sealed" text;--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at");--> statement-breakpoint
-- Bodies of processed events are no longer needed and were kept in plain text: clear them.
UPDATE "webhook_events" SET "payload" = NULL WHERE "processed_at" IS NOT NULL;
