DROP INDEX "transcript_documents_search_idx";--> statement-breakpoint
DROP INDEX "call_comments_search_idx";--> statement-breakpoint
DROP INDEX "call_highlights_search_idx";--> statement-breakpoint
DROP INDEX "calls_search_idx";--> statement-breakpoint
CREATE INDEX "transcript_documents_fr_search_idx" ON "transcript_documents" USING gin ("search_vector") WITH (fastupdate=false) WHERE language = 'fr';--> statement-breakpoint
CREATE INDEX "transcript_documents_en_search_idx" ON "transcript_documents" USING gin ("search_vector") WITH (fastupdate=false) WHERE language = 'en';--> statement-breakpoint
CREATE INDEX "call_comments_search_idx" ON "call_comments" USING gin ("search_vector") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "call_highlights_search_idx" ON "call_highlights" USING gin ("search_vector") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "calls_search_idx" ON "calls" USING gin ("search_vector") WITH (fastupdate=false);