DROP INDEX "posts_workspace_scheduled_idx";--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "calendar_at" timestamp with time zone GENERATED ALWAYS AS (coalesce(published_at, scheduled_at)) STORED;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "platforms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "in_flight" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "posts_workspace_calendar_idx" ON "posts" USING btree ("workspace_id","calendar_at","id");