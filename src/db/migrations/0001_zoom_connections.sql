CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"code_verifier_sealed" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"event" text NOT NULL,
	"zoom_account_id" text,
	"connection_id" uuid,
	"event_ts" bigint,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "zoom_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"app_type" text NOT NULL,
	"status" text NOT NULL,
	"zoom_account_id" text NOT NULL,
	"zoom_user_id" text NOT NULL,
	"zoom_user_email" text NOT NULL,
	"zoom_role_name" text,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"connected_by_user_id" uuid,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"token_expires_at" timestamp with time zone,
	"token_refreshed_at" timestamp with time zone,
	"prerequisites" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_api_success_at" timestamp with time zone,
	"last_webhook_at" timestamp with time zone,
	"last_error" text,
	"uninstall_data_policy" text DEFAULT 'delete' NOT NULL,
	"uninstall_delete_after_days" integer DEFAULT 7 NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "zoom_rate_windows" (
	"account_key" text NOT NULL,
	"category" text NOT NULL,
	"window_second" bigint NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"paused_until" timestamp with time zone,
	CONSTRAINT "zoom_rate_windows_account_key_category_pk" PRIMARY KEY("account_key","category")
);
--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zoom_connections" ADD CONSTRAINT "zoom_connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_dedupe_unique" ON "webhook_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "webhook_events_connection_idx" ON "webhook_events" USING btree ("connection_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "zoom_connections_org_unique" ON "zoom_connections" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "zoom_connections_account_idx" ON "zoom_connections" USING btree ("zoom_account_id");