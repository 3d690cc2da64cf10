-- UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then the version, variant and random bits of
-- gen_random_uuid(). PostgreSQL 15 has no uuidv7(); this one runs on 15 and on PGlite alike.
CREATE OR REPLACE FUNCTION defuse_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        placing substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "bombs" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "departments" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "escalation_jobs" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "ownership_spans" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "people" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "products" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "id" SET DEFAULT defuse_uuidv7();