CREATE TABLE "import_user_sweeps" (
	"connection_id" uuid NOT NULL,
	"zoom_user_id" text NOT NULL,
	"swept_at" timestamp with time zone,
	"backfill_from" text,
	"last_attempt_at" timestamp with time zone,
	"last_error_code" text,
	"last_error_detail" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"recordings_found" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "import_user_sweeps_connection_id_zoom_user_id_pk" PRIMARY KEY("connection_id","zoom_user_id")
);
--> statement-breakpoint
ALTER TABLE "import_user_sweeps" ADD CONSTRAINT "import_user_sweeps_connection_id_zoom_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."zoom_connections"("id") ON DELETE cascade ON UPDATE no action;