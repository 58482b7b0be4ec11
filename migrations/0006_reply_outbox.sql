ALTER TABLE `messages` ADD `send_claimed_until` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `send_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_reply_outbox` ON `messages` (`send_claimed_until`) WHERE "messages"."status" = 'pending';