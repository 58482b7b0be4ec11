ALTER TABLE `conversations` ADD `ad_referral_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ad_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `template` text;