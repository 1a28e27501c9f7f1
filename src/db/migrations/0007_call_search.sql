-- Search: French and English stemming, accent- and case-insensitive. `unaccent` is a trusted extension
-- (the database owner may create it); PGlite ships it in its contrib bundle.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION callport_fr (COPY = pg_catalog.french);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION callport_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION callport_en (COPY = pg_catalog.english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION callport_en ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;--> statement-breakpoint
DROP INDEX "calls_org_started_idx";--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "language" text DEFAULT 'fr' NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector((CASE language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END), topic) || to_tsvector((CASE language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END), participants) || to_tsvector((CASE language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END), jsonb_path_query_array(chat, '$[*].sender')) || to_tsvector((CASE language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END), jsonb_path_query_array(chat, '$[*].text'))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "transcript_lines" ADD COLUMN "language" text DEFAULT 'fr' NOT NULL;--> statement-breakpoint
ALTER TABLE "transcript_lines" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector((CASE language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END), text)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "calls_org_duration_idx" ON "calls" USING btree ("organization_id","duration_seconds","id");--> statement-breakpoint
CREATE INDEX "calls_host_started_idx" ON "calls" USING btree ("host_user_id","started_at");--> statement-breakpoint
CREATE INDEX "calls_search_idx" ON "calls" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "transcript_lines_search_idx" ON "transcript_lines" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "calls_org_started_idx" ON "calls" USING btree ("organization_id","started_at","id");