-- The event log is append-only (docs/security.md check 19): the timeline, the live stream, webhooks and
-- the isolation signals are all read from it, so no application code may rewrite or remove a row.
-- A deliberate maintenance job run by a superuser can still prune, inside a transaction with
-- `set local session_replication_role = replica` (ordinary triggers do not fire in that mode).
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only: % on events refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
--> statement-breakpoint
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
