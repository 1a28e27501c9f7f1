CREATE TABLE "transcript_documents" (
	"call_id" uuid PRIMARY KEY NOT NULL,
	"language" text NOT NULL,
	"search_vector" "tsvector" NOT NULL
);
--> statement-breakpoint
DROP INDEX "transcript_lines_search_idx";--> statement-breakpoint
ALTER TABLE "transcript_documents" ADD CONSTRAINT "transcript_documents_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The calls imported before: one document per call from its lines, in the line order (then the index,
-- built once over them).
INSERT INTO "transcript_documents" ("call_id", "language", "search_vector")
SELECT t."call_id", c."language",
       to_tsvector((CASE c."language" WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END),
                   string_agg(t."text", ' ' ORDER BY t."seq"))
  FROM "transcript_lines" t JOIN "calls" c ON c."id" = t."call_id"
 GROUP BY t."call_id", c."language";--> statement-breakpoint
CREATE INDEX "transcript_documents_search_idx" ON "transcript_documents" USING gin ("search_vector") WITH (fastupdate=false);
