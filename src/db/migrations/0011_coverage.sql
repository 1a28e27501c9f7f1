CREATE TABLE "coverage_passes" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"requests_made" integer DEFAULT 0 NOT NULL,
	"meetings_found" integer DEFAULT 0 NOT NULL,
	"last_error_code" text,
	"last_error_detail" text
);
--> statement-breakpoint
CREATE TABLE "coverage_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"exclude_internal" boolean DEFAULT false NOT NULL,
	"internal_domains" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings_held" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"meeting_uuid" text NOT NULL,
	"meeting_id" bigint,
	"host_zoom_id" text NOT NULL,
	"topic" text DEFAULT '' NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone,
	"participants" jsonb,
	"is_internal" boolean,
	"learned_via" text NOT NULL,
	"has_recording" boolean,
	"recording_started_at" timestamp with time zone,
	"recording_stopped_at" timestamp with time zone,
	"expected_reason" text,
	"expected_reason_params" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coverage_passes" ADD CONSTRAINT "coverage_passes_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage_settings" ADD CONSTRAINT "coverage_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings_held" ADD CONSTRAINT "meetings_held_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings_held" ADD CONSTRAINT "meetings_held_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_held_instance_unique" ON "meetings_held" USING btree ("connection_id","meeting_uuid");--> statement-breakpoint
CREATE INDEX "meetings_held_host_idx" ON "meetings_held" USING btree ("connection_id","host_zoom_id","start_time");