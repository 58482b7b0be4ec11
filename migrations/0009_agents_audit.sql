CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`agent_name` text NOT NULL,
	`action` text NOT NULL,
	`target_id` text,
	`detail` text,
	`status` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_workspace` ON `audit_log` (`workspace_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `name` text DEFAULT 'Owner' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `role` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `updated_at` integer;--> statement-breakpoint
CREATE INDEX `api_keys_workspace` ON `api_keys` (`workspace_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `author_agent_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `author_name` text;