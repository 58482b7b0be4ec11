/**
 * A conversation's messages, in its object's own SQLite: every inbound message with its
 * routing decision, every reply with its outbox fields (pending, claimed, attempts). Writes
 * join the object's implicit transaction, so the message and the state a DM changes commit
 * together, with no D1 round trip. Never purged, the inbound messages are the conversation's
 * de-duplication too (`admitted`): no time window. The object is the only reader and
 * writer; the API reads through its RPC methods.
 */
import type { Page } from "../storage/pagination.ts";
import { encodeCursor, type Listed } from "../storage/pagination.ts";
import type { SeenMessage } from "./conversation-state.ts";

export interface MessageRow {
  id: string;
  workspaceId: string;
  channelId: string;
  conversationId: string;
  contactId: string;
  platformMessageId: string;
  direction: "inbound" | "outbound";
  text: string | null;
  /** JSON array. */
  attachments: string;
  sentAt: number;
  /** Inbound: `received`. Outbound: `pending` (retrying), `sent` or `failed`. */
  status: "received" | "pending" | "sent" | "failed";
  /** Why an outbound message failed or is being retried: the platform's own words. */
  error: string | null;
  /** Who wrote an outbound message: `agent` (through the API), `bot` (a rule) or `ai`. */
  author: string | null;
  /** Outbound: the WhatsApp message template sent instead of text (JSON). */
  template: string | null;
  authorAgentId: string | null;
  authorName: string | null;
  /** Inbound: the classifier's reading and the routing decision (JSON); an AI reply: its trace. */
  routing: string | null;
  /** Position in the conversation, in arrival order. */
  seq: number;
  /** Inbound: the platform's position of the message in its thread (TikTok Shop's `index`), zero-padded digits. */
  platformIndex: string | null;
  /** Where the list places the message (epoch ms); null: at `createdAt`. */
  listedAt: number | null;
  createdAt: number;
  /** Outbound: until when the reply belongs to one sender; past it, a pending reply was abandoned. */
  sendClaimedUntil: number | null;
  /** Outbound: sends tried so far; a retry for attempt N claims the reply only when N − 1 were tried. */
  sendAttempts: number;
}

export type MessagePatch = Partial<Pick<MessageRow, "status" | "error" | "platformMessageId" | "sentAt" | "sendClaimedUntil">>;

const COLUMNS = {
  id: "id",
  workspaceId: "workspace_id",
  channelId: "channel_id",
  conversationId: "conversation_id",
  contactId: "contact_id",
  platformMessageId: "platform_message_id",
  direction: "direction",
  text: "text",
  attachments: "attachments",
  sentAt: "sent_at",
  status: "status",
  error: "error",
  author: "author",
  template: "template",
  authorAgentId: "author_agent_id",
  authorName: "author_name",
  routing: "routing",
  seq: "seq",
  platformIndex: "platform_index",
  listedAt: "listed_at",
  createdAt: "created_at",
  sendClaimedUntil: "send_claimed_until",
  sendAttempts: "send_attempts",
} as const satisfies Record<keyof MessageRow, string>;

type Stored = Record<(typeof COLUMNS)[keyof MessageRow], SqlStorageValue>;
const FIELDS = Object.keys(COLUMNS) as (keyof MessageRow)[];
const SELECT = `SELECT ${FIELDS.map((field) => COLUMNS[field]).join(", ")} FROM messages`;

/** Where a message is listed: its `listed_at`, else its arrival; then the platform's order, then the id. */
const LISTED = "coalesce(listed_at, created_at)";
const PLATFORM_INDEX = "coalesce(platform_index, '')";

function rowOf(stored: Stored): MessageRow {
  return Object.fromEntries(FIELDS.map((field) => [field, stored[COLUMNS[field]]])) as unknown as MessageRow;
}

export class MessageLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS messages (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        platform_message_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        text TEXT,
        attachments TEXT NOT NULL DEFAULT '[]',
        sent_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        author TEXT,
        template TEXT,
        author_agent_id TEXT,
        author_name TEXT,
        routing TEXT,
        seq INTEGER NOT NULL,
        platform_index TEXT,
        listed_at INTEGER,
        created_at INTEGER NOT NULL,
        send_claimed_until INTEGER,
        send_attempts INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID`,
    );
    // The list's order, so a page is a range read however long the conversation is.
    sql.exec(`CREATE INDEX IF NOT EXISTS messages_listed ON messages (${LISTED}, ${PLATFORM_INDEX}, id)`);
    // The outbox: only pending replies are in it.
    sql.exec("CREATE INDEX IF NOT EXISTS messages_reply_outbox ON messages (send_claimed_until) WHERE status = 'pending'");
  }

  /**
   * Stores the message unless one with its id exists; true when it was new. An inbound
   * message the platform numbers (`platformIndex`) is listed with the first stored message
   * the platform orders after it, so a late delivery takes its place in the list.
   */
  insertIfNew(row: MessageRow): boolean {
    const values = FIELDS.map((field) => row[field] as SqlStorageValue);
    const listedAt = FIELDS.indexOf("listedAt");
    const placeholders = FIELDS.map((_, i) =>
      i === listedAt && row.platformIndex !== null ? `(SELECT min(${LISTED}) FROM messages WHERE platform_index > ?)` : "?",
    );
    if (row.platformIndex !== null) values[listedAt] = row.platformIndex;
    const cursor = this.sql.exec(
      `INSERT INTO messages (${FIELDS.map((field) => COLUMNS[field]).join(", ")}) VALUES (${placeholders.join(", ")}) ON CONFLICT (id) DO NOTHING`,
      ...values,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * The inbound message stored under `id` (derived from the platform's message id, so a
   * redelivery, days later or after a restart, finds it), as admission reads it; null: never
   * admitted. Whether it finished acting is the state's (`unfinishedMessageIds`).
   */
  admitted(id: string): SeenMessage | null {
    const row = this.sql.exec<{ seq: number }>("SELECT seq FROM messages WHERE id = ? AND direction = 'inbound'", id).toArray()[0];
    return row ? { seq: row.seq } : null;
  }

  get(id: string): MessageRow | null {
    const stored = this.sql.exec<Stored>(`${SELECT} WHERE id = ?`, id).toArray()[0];
    return stored ? rowOf(stored) : null;
  }

  update(id: string, patch: MessagePatch): void {
    const fields = Object.keys(patch) as (keyof MessagePatch)[];
    if (fields.length === 0) return;
    this.sql.exec(
      `UPDATE messages SET ${fields.map((field) => `${COLUMNS[field]} = ?`).join(", ")} WHERE id = ?`,
      ...fields.map((field) => patch[field] as SqlStorageValue),
      id,
    );
  }

  delete(id: string): void {
    this.sql.exec("DELETE FROM messages WHERE id = ?", id);
  }

  /**
   * The conversation's messages, newest first as they are listed: by `listedAt` (a late
   * delivery placed among the messages it came before), then the platform's index, then id.
   */
  list(page: Page): Listed<MessageRow> {
    const { cursor } = page;
    const after = cursor ? ` WHERE ${LISTED} < ? OR (${LISTED} = ? AND (${PLATFORM_INDEX} < ? OR (${PLATFORM_INDEX} = ? AND id < ?)))` : "";
    const bindings = cursor ? [cursor.createdAt, cursor.createdAt, cursor.tie ?? "", cursor.tie ?? "", cursor.id] : [];
    const rows = this.sql
      .exec<Stored>(`${SELECT}${after} ORDER BY ${LISTED} DESC, ${PLATFORM_INDEX} DESC, id DESC LIMIT ?`, ...bindings, page.limit + 1)
      .toArray()
      .map(rowOf);
    const more = rows.length > page.limit;
    const kept = more ? rows.slice(0, page.limit) : rows;
    const last = kept.at(-1);
    return {
      data: kept,
      nextCursor: more && last ? encodeCursor(last.listedAt ?? last.createdAt, last.id, last.platformIndex ?? undefined) : null,
    };
  }

  /** The last `limit` messages, oldest first, in the order the list shows them: context for tickets and the AI. */
  recent(limit: number): MessageRow[] {
    return this.sql
      .exec<Stored>(`${SELECT} ORDER BY ${LISTED} DESC, ${PLATFORM_INDEX} DESC, seq DESC LIMIT ?`, limit)
      .toArray()
      .map(rowOf)
      .reverse();
  }

  /** Replies the AI sent (or is sending): its per-conversation limit counts them. */
  countAiReplies(): number {
    const row = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM messages WHERE direction = 'outbound' AND author = 'ai' AND status <> 'failed'")
      .one();
    return row.n;
  }

  /**
   * Takes a pending reply for send attempt `attempt`, if the attempt before it was the last
   * one tried; returns it, or null when it is settled or another sender has that attempt.
   */
  claimReply(id: string, attempt: number, claimedUntil: number): MessageRow | null {
    const stored = this.sql
      .exec<Stored>(
        `UPDATE messages SET send_attempts = ?, send_claimed_until = ?
         WHERE id = ? AND status = 'pending' AND direction = 'outbound' AND send_attempts = ?
         RETURNING ${FIELDS.map((field) => COLUMNS[field]).join(", ")}`,
        attempt,
        claimedUntil,
        id,
        attempt - 1,
      )
      .toArray()[0];
    return stored ? rowOf(stored) : null;
  }

  /** Pending replies whose sender is gone (the claim lapsed before `now`), each claimed again until `claimUntil`. */
  takeAbandoned(now: number, claimUntil: number): MessageRow[] {
    return this.sql
      .exec<Stored>(
        `UPDATE messages SET send_claimed_until = ?
         WHERE status = 'pending' AND send_claimed_until < ?
         RETURNING ${FIELDS.map((field) => COLUMNS[field]).join(", ")}`,
        claimUntil,
        now,
      )
      .toArray()
      .map(rowOf);
  }

  /** When the earliest pending reply's claim lapses (null: none pending): the object's alarm must fire by then. */
  nextLapse(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT min(send_claimed_until) AS at FROM messages WHERE status = 'pending'").one();
    return row.at;
  }
}
