CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text,
	`conversation_id` text,
	`text` text NOT NULL,
	`author` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notes_contact` ON `notes` (`contact_id`);--> statement-breakpoint
CREATE INDEX `notes_conversation` ON `notes` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `rule_sets` (
	`workspace_id` text NOT NULL,
	`version` integer NOT NULL,
	`rules` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `sla_clocks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`clock` text NOT NULL,
	`started_at` integer NOT NULL,
	`deadline` integer NOT NULL,
	`window_seconds` integer NOT NULL,
	`stopped_at` integer,
	`warned_at` integer,
	`breached_at` integer
);
--> statement-breakpoint
CREATE INDEX `sla_clocks_workspace` ON `sla_clocks` (`workspace_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sla_clocks_conversation` ON `sla_clocks` (`conversation_id`,`stopped_at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`status` text NOT NULL,
	`assignee` text,
	`reason` text NOT NULL,
	`context` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tickets_workspace` ON `tickets` (`workspace_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_conversation` ON `tickets` (`conversation_id`,`status`);--> statement-breakpoint
CREATE TABLE `workspace_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `queue` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `state` text DEFAULT 'bot' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `queue` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `routing` text;