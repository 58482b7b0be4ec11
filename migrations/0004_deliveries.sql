CREATE TABLE `delivery_leases` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`released_at` integer
);
--> statement-breakpoint
CREATE INDEX `delivery_leases_endpoint` ON `delivery_leases` (`endpoint_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `event_deliveries` (
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`event_type` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claim_token` text,
	`claimed_until` integer,
	`woken_at` integer,
	`last_attempt_at` integer,
	`last_response_status` integer,
	`last_error` text,
	`replays` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_id`, `event_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_deliveries_endpoint_status` ON `event_deliveries` (`endpoint_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `event_deliveries_due` ON `event_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `event_deliveries_created` ON `event_deliveries` (`created_at`);--> statement-breakpoint
ALTER TABLE `delivery_attempts` ADD `response_body` text;--> statement-breakpoint
CREATE INDEX `attempts_created` ON `delivery_attempts` (`created_at`);--> statement-breakpoint
ALTER TABLE `endpoints` ADD `previous_secret_sealed` text;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `previous_secret_expires_at` integer;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `rate_limit_per_second` integer DEFAULT 50 NOT NULL;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `max_concurrency` integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `failing_since` integer;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `disabled_reason` text;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `disabled_at` integer;--> statement-breakpoint
CREATE INDEX `events_created` ON `events` (`created_at`);--> statement-breakpoint
CREATE INDEX `events_awaiting_fan_out` ON `events` (`created_at`) WHERE "events"."fanned_out_at" IS NULL;