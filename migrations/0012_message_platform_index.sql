ALTER TABLE `messages` ADD `platform_index` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `listed_at` integer;