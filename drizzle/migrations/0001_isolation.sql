CREATE TABLE "bomb_actors" (
	"bomb_id" uuid NOT NULL,
	"actor_id" uuid NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bomb_actors_bomb_id_actor_id_pk" PRIMARY KEY("bomb_id","actor_id")
);
--> statement-breakpoint
CREATE TABLE "bomb_carriers" (
	"bomb_id" uuid PRIMARY KEY NOT NULL,
	"assignee_id" uuid
);
--> statement-breakpoint
CREATE TABLE "person_isolation_due" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_isolation_reasons" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"reasons" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projector_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bomb_actors" ADD CONSTRAINT "bomb_actors_bomb_id_bombs_id_fk" FOREIGN KEY ("bomb_id") REFERENCES "public"."bombs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bomb_actors" ADD CONSTRAINT "bomb_actors_actor_id_people_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bomb_carriers" ADD CONSTRAINT "bomb_carriers_bomb_id_bombs_id_fk" FOREIGN KEY ("bomb_id") REFERENCES "public"."bombs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bomb_carriers" ADD CONSTRAINT "bomb_carriers_assignee_id_people_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_isolation_due" ADD CONSTRAINT "person_isolation_due_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_isolation_reasons" ADD CONSTRAINT "person_isolation_reasons_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_isolation_due_at" ON "person_isolation_due" USING btree ("due_at");