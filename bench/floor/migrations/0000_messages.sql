-- The floor's one D1 row per DM.
CREATE TABLE messages (
  platform_message_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
