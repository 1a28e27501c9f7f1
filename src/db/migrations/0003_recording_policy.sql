CREATE TABLE "recording_policies" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"scope" text DEFAULT 'account' NOT NULL,
	"group_id" text,
	"group_name" text DEFAULT 'Callport recording' NOT NULL,
	"auto_delete_days" integer DEFAULT 30 NOT NULL,
	"last_audit" jsonb,
	"last_audit_at" timestamp with time zone,
	"last_apply" jsonb,
	"drift" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"manual_confirmations" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recording_policies" ADD CONSTRAINT "recording_policies_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;