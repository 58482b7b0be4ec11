ALTER TABLE `channels` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `token_expires_at` integer;