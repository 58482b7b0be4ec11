-- Search (GET /v1/conversations?q=): FTS5 tables the triggers below feed, so every writer of
-- messages and contacts indexes them without knowing it. Not in schema.ts: drizzle has no
-- virtual tables. The trigram tokenizer matches any substring of 3 characters or more (Thai
-- has no spaces between words), case-insensitively, and remove_diacritics folds Vietnamese
-- ("Nguyễn" = "nguyen"); đ is a letter of its own to Unicode, so it is replaced by d here and
-- in the query. columnsize=0: no per-row size record, one row less written per insert.
CREATE VIRTUAL TABLE `message_search` USING fts5(
	body,
	conversation_id UNINDEXED,
	workspace_id UNINDEXED,
	tokenize = 'trigram remove_diacritics 1',
	columnsize = 0
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `contact_search` USING fts5(
	body,
	contact_id UNINDEXED,
	workspace_id UNINDEXED,
	tokenize = 'trigram remove_diacritics 1',
	columnsize = 0
);
--> statement-breakpoint
-- A buyer's message once recorded (a duplicate insert does nothing, so fires nothing).
CREATE TRIGGER `message_search_inbound` AFTER INSERT ON `messages`
WHEN new.direction = 'inbound' AND new.text IS NOT NULL
BEGIN
	INSERT INTO `message_search` (body, conversation_id, workspace_id)
	VALUES (replace(replace(new.text, 'đ', 'd'), 'Đ', 'd'), new.conversation_id, new.workspace_id);
END;
--> statement-breakpoint
-- A reply once the platform took it: one refused before it was sent is deleted, never indexed.
CREATE TRIGGER `message_search_sent` AFTER UPDATE OF status ON `messages`
WHEN new.status = 'sent' AND old.status <> 'sent' AND new.direction = 'outbound' AND new.text IS NOT NULL
BEGIN
	INSERT INTO `message_search` (body, conversation_id, workspace_id)
	VALUES (replace(replace(new.text, 'đ', 'd'), 'Đ', 'd'), new.conversation_id, new.workspace_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_search_created` AFTER INSERT ON `contacts`
BEGIN
	INSERT INTO `contact_search` (body, contact_id, workspace_id)
	VALUES (replace(replace(coalesce(new.display_name, '') || ' ' || new.platform_user_id, 'đ', 'd'), 'Đ', 'd'), new.id, new.workspace_id);
END;
--> statement-breakpoint
-- A new name is indexed beside the old one: a buyer stays findable by a name they went by.
CREATE TRIGGER `contact_search_renamed` AFTER UPDATE OF display_name ON `contacts`
WHEN new.display_name IS NOT NULL AND new.display_name IS NOT old.display_name
BEGIN
	INSERT INTO `contact_search` (body, contact_id, workspace_id)
	VALUES (replace(replace(new.display_name, 'đ', 'd'), 'Đ', 'd'), new.id, new.workspace_id);
END;
--> statement-breakpoint
-- What was recorded before search existed, indexed once as the triggers would have.
INSERT INTO `message_search` (body, conversation_id, workspace_id)
SELECT replace(replace(text, 'đ', 'd'), 'Đ', 'd'), conversation_id, workspace_id FROM `messages`
WHERE text IS NOT NULL AND (direction = 'inbound' OR status = 'sent');
--> statement-breakpoint
INSERT INTO `contact_search` (body, contact_id, workspace_id)
SELECT replace(replace(coalesce(display_name, '') || ' ' || platform_user_id, 'đ', 'd'), 'Đ', 'd'), id, workspace_id FROM `contacts`;
