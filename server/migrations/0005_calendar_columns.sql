DROP INDEX "posts_workspace_scheduled_idx";--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "calendar_at" timestamp with time zone GENERATED ALWAYS AS (coalesce(published_at, scheduled_at)) STORED;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "platforms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "in_flight" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "posts_workspace_calendar_idx" ON "posts" USING btree ("workspace_id","calendar_at","id");--> statement-breakpoint
-- Backfill what recomputePostStatus keeps from now on: the platforms of each post's targets, and
-- whether one of them is being published or waits for a retry.
UPDATE "posts" SET
  "platforms" = coalesce((SELECT array_agg(DISTINCT c."platform" ORDER BY c."platform") FROM "post_targets" t JOIN "channels" c ON c."id" = t."channel_id" WHERE t."post_id" = "posts"."id"), '{}'::text[]),
  "in_flight" = EXISTS (SELECT 1 FROM "post_targets" t WHERE t."post_id" = "posts"."id" AND t."status" IN ('publishing', 'retrying'));
