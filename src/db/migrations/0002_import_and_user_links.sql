CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"recording_id" uuid NOT NULL,
	"host_user_id" uuid,
	"topic" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_seconds" integer NOT NULL,
	"participants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"chat" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_sweeps" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_window_from" text,
	"recordings_found" integer DEFAULT 0 NOT NULL,
	"requests_made" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "recording_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recording_id" uuid NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recording_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recording_id" uuid NOT NULL,
	"file_key" text NOT NULL,
	"file_type" text NOT NULL,
	"recording_type" text,
	"recording_start" timestamp with time zone,
	"recording_end" timestamp with time zone,
	"expected_size" bigint,
	"zoom_status" text,
	"download_url" text,
	"storage_key" text,
	"stored_size" bigint,
	"sha256" text,
	"stored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recordings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"meeting_uuid" text NOT NULL,
	"meeting_id" bigint NOT NULL,
	"topic" text NOT NULL,
	"host_zoom_id" text NOT NULL,
	"host_email" text,
	"start_time" timestamp with time zone NOT NULL,
	"duration_minutes" integer DEFAULT 0 NOT NULL,
	"recording_end" timestamp with time zone,
	"auto_delete_date" timestamp with time zone,
	"status" text NOT NULL,
	"status_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"discovered_via" text NOT NULL,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_at" timestamp with time zone,
	"download_token_sealed" text,
	"download_token_expires_at" timestamp with time zone,
	"claimed_by_job" text,
	"claimed_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seen_hosts" (
	"connection_id" uuid NOT NULL,
	"zoom_user_id" text NOT NULL,
	"email" text,
	"recordings_seen" integer DEFAULT 1 NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_ignored" boolean DEFAULT false NOT NULL,
	CONSTRAINT "seen_hosts_connection_id_zoom_user_id_pk" PRIMARY KEY("connection_id","zoom_user_id")
);
--> statement-breakpoint
CREATE TABLE "transcript_lines" (
	"call_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"speaker" text NOT NULL,
	"start_ms" integer NOT NULL,
	"end_ms" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "transcript_lines_call_id_seq_pk" PRIMARY KEY("call_id","seq")
);
--> statement-breakpoint
CREATE TABLE "user_links" (
	"connection_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"zoom_user_id" text NOT NULL,
	"zoom_email" text NOT NULL,
	"method" text NOT NULL,
	"linked_by_user_id" uuid,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_links_connection_id_user_id_pk" PRIMARY KEY("connection_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "zoom_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"zoom_user_id" text,
	"email" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"type" integer,
	"status" text NOT NULL,
	"role_name" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_host_user_id_users_id_fk" FOREIGN KEY ("host_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_sweeps" ADD CONSTRAINT "import_sweeps_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_events" ADD CONSTRAINT "recording_events_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_files" ADD CONSTRAINT "recording_files_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seen_hosts" ADD CONSTRAINT "seen_hosts_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_lines" ADD CONSTRAINT "transcript_lines_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_links" ADD CONSTRAINT "user_links_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_links" ADD CONSTRAINT "user_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zoom_users" ADD CONSTRAINT "zoom_users_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_recording_unique" ON "calls" USING btree ("recording_id");--> statement-breakpoint
CREATE INDEX "calls_org_started_idx" ON "calls" USING btree ("organization_id","started_at");--> statement-breakpoint
CREATE INDEX "recording_events_recording_idx" ON "recording_events" USING btree ("recording_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "recording_files_key_unique" ON "recording_files" USING btree ("recording_id","file_key");--> statement-breakpoint
CREATE UNIQUE INDEX "recordings_instance_unique" ON "recordings" USING btree ("connection_id","meeting_uuid");--> statement-breakpoint
CREATE INDEX "recordings_org_status_idx" ON "recordings" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "recordings_meeting_idx" ON "recordings" USING btree ("connection_id","meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_links_zoom_user_unique" ON "user_links" USING btree ("connection_id","zoom_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "zoom_users_email_unique" ON "zoom_users" USING btree ("connection_id",lower("email"));--> statement-breakpoint
CREATE INDEX "zoom_users_zoom_id_idx" ON "zoom_users" USING btree ("connection_id","zoom_user_id");