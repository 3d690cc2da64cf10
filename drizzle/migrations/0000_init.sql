CREATE TYPE "public"."category" AS ENUM('shipping', 'manual', 'stock', 'expectation', 'quality', 'other');--> statement-breakpoint
CREATE TYPE "public"."isolation_state" AS ENUM('ok', 'watch', 'isolated');--> statement-breakpoint
CREATE TYPE "public"."locale" AS ENUM('ja', 'en');--> statement-breakpoint
CREATE TYPE "public"."product_stage" AS ENUM('concept', 'pilot', 'launch', 'ga', 'sunset');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('field', 'member', 'lead', 'pm', 'admin');--> statement-breakpoint
CREATE TYPE "public"."root_cause" AS ENUM('manual_unclear', 'shipping_operations', 'expectation_mismatch', 'production_capacity', 'product_defect', 'customer_side', 'other');--> statement-breakpoint
CREATE TYPE "public"."severity" AS ENUM('low', 'normal', 'high', 'critical');--> statement-breakpoint
CREATE TYPE "public"."status" AS ENUM('open', 'claimed', 'waiting', 'resolved', 'closed');--> statement-breakpoint
CREATE SEQUENCE "public"."bomb_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "bombs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigint NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" "category" NOT NULL,
	"severity" "severity" NOT NULL,
	"status" "status" DEFAULT 'open' NOT NULL,
	"restricted" boolean DEFAULT false NOT NULL,
	"product_id" uuid,
	"customer" text,
	"filed_by_id" uuid NOT NULL,
	"department_id" uuid,
	"assignee_id" uuid,
	"helper_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"tier" integer DEFAULT 0 NOT NULL,
	"bounces" integer DEFAULT 0 NOT NULL,
	"disputed" boolean DEFAULT false NOT NULL,
	"root_cause" "root_cause",
	"claim_due_at" timestamp with time zone,
	"resolve_due_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"last_other_action_at" timestamp with time zone,
	"last_assignee_action_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "bombs_number_unique" UNIQUE("number"),
	CONSTRAINT "bombs_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "department_members" (
	"department_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"is_lead" boolean DEFAULT false NOT NULL,
	CONSTRAINT "department_members_department_id_person_id_pk" PRIMARY KEY("department_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "department_policies" (
	"department_id" uuid PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"webhook_url" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "departments_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "escalation_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bomb_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"tier" integer NOT NULL,
	"target" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"bomb_id" uuid,
	"person_id" uuid,
	"actor_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"person_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_person_id_key_pk" PRIMARY KEY("person_id","key")
);
--> statement-breakpoint
CREATE TABLE "ownership_spans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bomb_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"category" "category" NOT NULL,
	"routed_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"paused_seconds" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"role" "role" NOT NULL,
	"locale" "locale" DEFAULT 'ja' NOT NULL,
	"password_hash" text,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "people_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "person_daily_load" (
	"person_id" uuid NOT NULL,
	"day" date NOT NULL,
	"load" double precision NOT NULL,
	"solo_carry_seconds" double precision DEFAULT 0 NOT NULL,
	"state" "isolation_state" DEFAULT 'ok' NOT NULL,
	CONSTRAINT "person_daily_load_person_id_day_pk" PRIMARY KEY("person_id","day")
);
--> statement-breakpoint
CREATE TABLE "person_isolation" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"state" "isolation_state" DEFAULT 'ok' NOT NULL,
	"score" double precision DEFAULT 0 NOT NULL,
	"signals" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"stage" "product_stage" NOT NULL,
	"pm_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "products_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"person_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"address" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"event_seq" bigint NOT NULL,
	"url" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bombs" ADD CONSTRAINT "bombs_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bombs" ADD CONSTRAINT "bombs_filed_by_id_people_id_fk" FOREIGN KEY ("filed_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bombs" ADD CONSTRAINT "bombs_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bombs" ADD CONSTRAINT "bombs_assignee_id_people_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_policies" ADD CONSTRAINT "department_policies_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_jobs" ADD CONSTRAINT "escalation_jobs_bomb_id_bombs_id_fk" FOREIGN KEY ("bomb_id") REFERENCES "public"."bombs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_bomb_id_bombs_id_fk" FOREIGN KEY ("bomb_id") REFERENCES "public"."bombs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_actor_id_people_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ownership_spans" ADD CONSTRAINT "ownership_spans_bomb_id_bombs_id_fk" FOREIGN KEY ("bomb_id") REFERENCES "public"."bombs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ownership_spans" ADD CONSTRAINT "ownership_spans_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_daily_load" ADD CONSTRAINT "person_daily_load_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_isolation" ADD CONSTRAINT "person_isolation_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_pm_id_people_id_fk" FOREIGN KEY ("pm_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_person" ON "api_tokens" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "bombs_created" ON "bombs" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "bombs_department_queue" ON "bombs" USING btree ("department_id","status","claim_due_at","id");--> statement-breakpoint
CREATE INDEX "bombs_filed_by" ON "bombs" USING btree ("filed_by_id","status");--> statement-breakpoint
CREATE INDEX "bombs_assignee" ON "bombs" USING btree ("assignee_id","status");--> statement-breakpoint
CREATE INDEX "bombs_product" ON "bombs" USING btree ("product_id","resolved_at");--> statement-breakpoint
CREATE INDEX "department_members_person" ON "department_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_jobs_once" ON "escalation_jobs" USING btree ("bomb_id","reason","deadline_at","tier");--> statement-breakpoint
CREATE INDEX "escalation_jobs_due" ON "escalation_jobs" USING btree ("due_at") WHERE "escalation_jobs"."fired_at" is null and "escalation_jobs"."cancelled_at" is null;--> statement-breakpoint
CREATE INDEX "events_bomb" ON "events" USING btree ("bomb_id","seq");--> statement-breakpoint
CREATE INDEX "events_person" ON "events" USING btree ("person_id","seq");--> statement-breakpoint
CREATE INDEX "events_actor_at" ON "events" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ownership_spans_bomb" ON "ownership_spans" USING btree ("bomb_id");--> statement-breakpoint
CREATE INDEX "ownership_spans_department" ON "ownership_spans" USING btree ("department_id","routed_at");--> statement-breakpoint
CREATE INDEX "sessions_person" ON "sessions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email" ON "sign_in_attempts" USING btree ("email","at");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_address" ON "sign_in_attempts" USING btree ("address","at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_once" ON "webhook_deliveries" USING btree ("department_id","event_seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';