/**
 * Contacts and conversations as the pipeline writes them, and the search text of messages,
 * written by their conversation's object with its summary (the messages themselves live in
 * that object: objects/message-log.ts).
 */
import { and, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { contacts, conversations, notes } from "./schema.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
type NewContact = typeof contacts.$inferInsert;
type NewConversation = typeof conversations.$inferInsert;

export interface IngestReads {
  /** The contact as stored, when it exists: a blocked one gets no automatic reply. */
  contact: Pick<ContactRow, "status" | "displayName"> | null;
  conversationExists: boolean;
}

/** What ingesting a message must know of the catalog before it writes, in one round trip. */
export async function readForIngest(db: Db, contactId: string, conversationId: string): Promise<IngestReads> {
  const [contactRows, conversationRows] = await db.batch([
    db.select({ status: contacts.status, displayName: contacts.displayName }).from(contacts).where(eq(contacts.id, contactId)),
    db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)),
  ]);
  return { contact: contactRows[0] ?? null, conversationExists: conversationRows.length > 0 };
}

export async function contactExists(db: Db, contactId: string): Promise<boolean> {
  return (await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)).get()) !== undefined;
}

/** Creates the contact, or refreshes its display name when the platform sent one. */
export function upsertContactStatement(db: Db, row: NewContact) {
  return db
    .insert(contacts)
    .values(row)
    .onConflictDoUpdate({
      target: contacts.id,
      set: { displayName: sql`coalesce(excluded.display_name, ${contacts.displayName})`, updatedAt: row.updatedAt },
    });
}

const newerReferral = sql`excluded.ad_referral_at is not null and (${conversations.adReferralAt} is null or excluded.ad_referral_at > ${conversations.adReferralAt})`;

/** Records an ad referral on an existing conversation, if it is newer than the one it has. */
export async function markAdReferral(db: Db, conversationId: string, at: number, adId: string | null): Promise<boolean> {
  const updated = await db
    .update(conversations)
    .set({ adReferralAt: at, adId, updatedAt: at })
    .where(and(eq(conversations.id, conversationId), sql`(${conversations.adReferralAt} is null or ${conversations.adReferralAt} < ${at})`))
    .returning({ id: conversations.id });
  return updated.length > 0;
}

export function upsertConversationStatement(db: Db, row: NewConversation) {
  return db
    .insert(conversations)
    .values(row)
    .onConflictDoUpdate({
      target: conversations.id,
      set: {
        lastMessageAt: sql`max(${conversations.lastMessageAt}, excluded.last_message_at)`,
        lastInboundAt: sql`max(coalesce(${conversations.lastInboundAt}, 0), coalesce(excluded.last_inbound_at, 0))`,
        // A newer message's reply token replaces the old one (each is single-use anyway).
        replyToken: sql`coalesce(excluded.reply_token, ${conversations.replyToken})`,
        replyTokenExpiresAt: sql`coalesce(excluded.reply_token_expires_at, ${conversations.replyTokenExpiresAt})`,
        // The latest ad referral wins; a message without one keeps what the conversation had.
        adReferralAt: sql`case when ${newerReferral} then excluded.ad_referral_at else ${conversations.adReferralAt} end`,
        adId: sql`case when ${newerReferral} then excluded.ad_id else ${conversations.adId} end`,
        updatedAt: row.updatedAt,
      },
    });
}

/** Records a follow, unfollow or block: creates the contact if needed, sets its status. */
export function upsertContactStatusStatement(db: Db, row: NewContact & { status: ContactRow["status"] }) {
  return db
    .insert(contacts)
    .values(row)
    .onConflictDoUpdate({
      target: contacts.id,
      set: {
        status: row.status,
        displayName: sql`coalesce(excluded.display_name, ${contacts.displayName})`,
        updatedAt: row.updatedAt,
      },
    });
}

export async function getConversation(db: Db, workspaceId: string, id: string): Promise<ConversationRow | undefined> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)))
    .get();
}

export async function getContact(db: Db, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)))
    .get();
}

export async function listContacts(db: Db, workspaceId: string, page: Page): Promise<Listed<ContactRow>> {
  const { after, order } = pageQuery(page, contacts.createdAt, contacts.id);
  const rows = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export interface ConversationFilter {
  /** An FTS5 phrase (lib/search-query.ts) matched against messages' text and contacts' names and ids. */
  match?: string | undefined;
  channelId?: string | undefined;
}

/**
 * The FTS5 table of migrations/0010_search.sql, as far as inserts into it need: outside
 * schema.ts, since drizzle-kit knows no virtual tables.
 */
const messageSearch = sqliteTable("message_search", {
  rowid: integer("rowid"),
  body: text(),
  conversationId: text(),
  workspaceId: text(),
});

/**
 * Messages' text in the search index (migrations/0010_search.sql), folded as the query is
 * (đ → d): one document for the text that waited with a conversation's summary. Keyed by a
 * number derived from its first message's id, and written only when that key is free: a
 * re-run of the write indexes it once. (Two ids sharing
 * a key, about one in 2^53 pairs, leave the second unindexed rather than fail its batch.)
 */
export function messageSearchStatement(db: Db, firstMessageId: string, text: string, conversationId: string, workspaceId: string) {
  // Cast: a bound number past 32 bits may arrive as a real, and a rowid must be an integer.
  const key = sql`CAST(${searchKey(firstMessageId)} AS INTEGER)`;
  return db.insert(messageSearch).select(
    sql`SELECT ${key}, replace(replace(${text}, 'đ', 'd'), 'Đ', 'd'), ${conversationId}, ${workspaceId}
      WHERE NOT EXISTS (SELECT 1 FROM message_search WHERE rowid = ${key})`,
  );
}

/** A 53-bit integer from `id` (cyrb53): the search row's key. */
export function searchKey(id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Conversations whose messages or contact match: subqueries on the FTS5 tables of
 * migrations/0010_search.sql, so no list of ids leaves the database.
 */
function matching(workspaceId: string, phrase: string): SQL {
  return sql`(${conversations.id} IN (SELECT conversation_id FROM message_search WHERE message_search MATCH ${phrase} AND workspace_id = ${workspaceId})
    OR ${conversations.contactId} IN (SELECT contact_id FROM contact_search WHERE contact_search MATCH ${phrase} AND workspace_id = ${workspaceId}))`;
}

export async function listConversations(
  db: Db,
  workspaceId: string,
  page: Page,
  filter: ConversationFilter = {},
): Promise<Listed<ConversationRow>> {
  const { after, order } = pageQuery(page, conversations.createdAt, conversations.id);
  const rows = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        filter.channelId ? eq(conversations.channelId, filter.channelId) : undefined,
        filter.match ? matching(workspaceId, filter.match) : undefined,
        after,
      ),
    )
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

/** A reply token is single-use: forget it once a reply went out (a conversation without one is not rewritten). */
export function clearReplyTokenStatement(db: Db, conversationId: string) {
  return db
    .update(conversations)
    .set({ replyToken: null, replyTokenExpiresAt: null })
    .where(and(eq(conversations.id, conversationId), isNotNull(conversations.replyToken)));
}

/**
 * Statements adding tags (kept in order, without repeats) and, when given, the queue of a
 * contact and its conversation. The merge runs in SQL, so nothing is read first.
 */
export function tagAndAssignStatement(
  db: Db,
  target: { contactId: string; conversationId: string },
  change: { tags: string[]; queue: string | null },
  now: number,
) {
  const added = JSON.stringify([...new Set(change.tags)]);
  const merged = (column: typeof contacts.tags | typeof conversations.tags) =>
    sql`(SELECT json_group_array(value) FROM (
           SELECT value FROM json_each(${column})
           UNION ALL
           SELECT value FROM json_each(${added}) WHERE value NOT IN (SELECT value FROM json_each(${column}))))`;
  return [
    db
      .update(contacts)
      .set({ tags: merged(contacts.tags), ...(change.queue ? { queue: change.queue } : {}), updatedAt: now })
      .where(eq(contacts.id, target.contactId)),
    db
      .update(conversations)
      .set({ tags: merged(conversations.tags), ...(change.queue ? { queue: change.queue } : {}), updatedAt: now })
      .where(eq(conversations.id, target.conversationId)),
  ] as const;
}

export function setConversationStateStatement(db: Db, conversationId: string, state: ConversationRow["state"], now: number) {
  return db.update(conversations).set({ state, updatedAt: now }).where(eq(conversations.id, conversationId));
}

export type NoteRow = typeof notes.$inferSelect;

/** A conversation's notes (rules write them), newest first like every list. */
export async function listNotes(db: Db, workspaceId: string, conversationId: string, page: Page): Promise<Listed<NoteRow>> {
  const { after, order } = pageQuery(page, notes.createdAt, notes.id);
  const rows = await db
    .select()
    .from(notes)
    .where(and(eq(notes.workspaceId, workspaceId), eq(notes.conversationId, conversationId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export function insertNoteStatement(db: Db, row: typeof notes.$inferInsert) {
  return db.insert(notes).values(row).onConflictDoNothing();
}
