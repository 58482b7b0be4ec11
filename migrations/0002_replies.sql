ALTER TABLE `conversations` ADD `last_inbound_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `reply_token` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `reply_token_expires_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `status` text DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `error` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `author` text;