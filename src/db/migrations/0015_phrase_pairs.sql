-- Phrase pairs: the pairs of lexemes of a search document at positions n and n + 1, hashed. A phrase
-- needs its own pairs in a document, so their index narrows a phrase search to the documents that say
-- its words in that order before PostgreSQL checks the positions (reading each document out of line).
CREATE FUNCTION callport_phrase_pairs(document tsvector) RETURNS integer[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT coalesce(array_agg(DISTINCT hashtext(w.lexeme || ' ' || n.lexeme)), '{}')
      FROM (SELECT u.lexeme, unnest(u.positions) AS position FROM unnest(document) AS u) AS w
      JOIN (SELECT u.lexeme, unnest(u.positions) AS position FROM unnest(document) AS u) AS n
        ON n.position = w.position + 1
  $$;--> statement-breakpoint
ALTER TABLE "transcript_documents" ADD COLUMN "phrase_pairs" integer[] GENERATED ALWAYS AS (callport_phrase_pairs(search_vector)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "transcript_documents_phrase_pairs_idx" ON "transcript_documents" USING gin ("phrase_pairs") WITH (fastupdate=false);