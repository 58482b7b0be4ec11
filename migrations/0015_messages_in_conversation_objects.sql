-- A conversation's messages moved to its Durable Object's own SQLite (src/objects/message-log.ts).
-- Search stays in D1: message_search is now written by the statements that record a message
-- (storage/inbox.ts messageSearchStatement), so the triggers on messages go with the table
-- (SQLite drops a table's triggers with it; named here so the intent is plain). No deployment
-- holds data yet, so nothing is copied.
DROP TRIGGER IF EXISTS `message_search_inbound`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `message_search_sent`;--> statement-breakpoint
DROP TABLE `messages`;
