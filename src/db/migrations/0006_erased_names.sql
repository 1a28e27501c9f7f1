CREATE TABLE "erased_names" (
	"organization_id" uuid NOT NULL,
	"name_sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erased_names_organization_id_name_sha256_pk" PRIMARY KEY("organization_id","name_sha256")
);
--> statement-breakpoint
ALTER TABLE "erased_names" ADD CONSTRAINT "erased_names_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;