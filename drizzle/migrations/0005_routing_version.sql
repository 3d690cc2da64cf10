CREATE TABLE "routing_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "routing_version" ("id", "version") VALUES (1, 1);--> statement-breakpoint
-- Bumped in the changing transaction, so a reader sees the new version only with the new rows.
CREATE FUNCTION defuse_bump_routing_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "routing_version" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "settings_routing_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "settings"
  FOR EACH STATEMENT EXECUTE FUNCTION defuse_bump_routing_version();--> statement-breakpoint
CREATE TRIGGER "departments_routing_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "departments"
  FOR EACH STATEMENT EXECUTE FUNCTION defuse_bump_routing_version();--> statement-breakpoint
CREATE TRIGGER "department_members_routing_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "department_members"
  FOR EACH STATEMENT EXECUTE FUNCTION defuse_bump_routing_version();--> statement-breakpoint
CREATE TRIGGER "department_policies_routing_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "department_policies"
  FOR EACH STATEMENT EXECUTE FUNCTION defuse_bump_routing_version();
