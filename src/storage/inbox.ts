/** Contacts, conversations and messages as the pipeline writes them. */
import { and, desc, eq, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteInsertValue } from "drizzle-orm/sqlite-core";
import { selectInParts } from "./chunk.ts";
import type { Db } from "./db.ts";
import type { EndpointRow } from "./endpoints.ts";
import { encodeCursor, type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { contacts, conversations, endpoints, messages, notes } from "./schema.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
type NewContact = typeof contacts.$inferInsert;
type NewConversation = typeof conversations.$inferInsert;
type NewMessage = typeof messages.$inferInsert;

export interface IngestReads {
  /** The contact as stored, when it exists: a blocked one gets no automatic reply. */
  contact: Pick<ContactRow, "status" | "displayName"> | null;
  conversationExists: boolean;
  /** The workspace's endpoints, disabled ones too: the fan-out's audience. */
  audience: EndpointRow[];
}

/** What ingesting a message must know before it writes, in one round trip. */
export async function readForIngest(db: Db, workspaceId: string, contactId: string, conversationId: string): Promise<IngestReads> {
  const [contactRows, conversationRows, audience] = await db.batch([
    db.select({ status: contacts.status, displayName: contacts.displayName }).from(contacts).where(eq(contacts.id, contactId)),
    db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)),
    db.select().from(endpoints).where(eq(endpoints.workspaceId, workspaceId)),
  ]);
  return { contact: contactRows[0] ?? null, conversationExists: conversationRows.length > 0, audience };
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

/** Returns the id when the row is new, nothing when it existed. Values may be SQL (`listedBefore`). */
export function insertMessageIfNewStatement(db: Db, row: SQLiteInsertValue<typeof messages>) {
  return db.insert(messages).values(row).onConflictDoNothing().returning({ id: messages.id });
}

export async function getMessagesByIds(db: Db, ids: string[]): Promise<MessageRow[]> {
  return selectInParts(ids, (part) => db.select().from(messages).where(inArray(messages.id, part)).all());
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

export async function getMessage(db: Db, workspaceId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.id, id)))
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

/** Where a message is listed: its `listedAt`, else its arrival. */
const listedAtOrCreated = sql<number>`coalesce(${messages.listedAt}, ${messages.createdAt})`;
/** Among messages listed at the same moment, the platform's order; messages without an index first. */
const platformIndexOrNone = sql<string>`coalesce(${messages.platformIndex}, '')`;

/**
 * The `listedAt` of an inbound message the platform puts at `platformIndex`: the place of the
 * first message already in the conversation that the platform orders after it (null: none,
 * so it is listed on arrival). Evaluated in the insert, where the conversation's object has
 * already serialized its messages: nothing is read first.
 */
export function listedBefore(conversationId: string, platformIndex: string): SQL<number | null> {
  return sql`(SELECT min(${listedAtOrCreated}) FROM ${messages}
    WHERE ${messages.conversationId} = ${conversationId} AND ${messages.platformIndex} > ${platformIndex})`;
}

/**
 * A conversation's messages, newest first as they are listed: by `listedAt` (a platform's
 * late delivery placed among the messages it came before), then the platform's index, then id.
 */
export async function listMessages(db: Db, workspaceId: string, conversationId: string, page: Page): Promise<Listed<MessageRow>> {
  const { cursor } = page;
  const after = cursor
    ? or(
        lt(listedAtOrCreated, cursor.createdAt),
        and(
          eq(listedAtOrCreated, cursor.createdAt),
          or(lt(platformIndexOrNone, cursor.tie ?? ""), and(eq(platformIndexOrNone, cursor.tie ?? ""), lt(messages.id, cursor.id))),
        ),
      )
    : undefined;
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.conversationId, conversationId), after))
    .orderBy(desc(listedAtOrCreated), desc(platformIndexOrNone), desc(messages.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept.at(-1);
  return {
    data: kept,
    nextCursor: more && last ? encodeCursor(last.listedAt ?? last.createdAt, last.id, last.platformIndex ?? undefined) : null,
  };
}

export function updateMessageStatement(
  db: Db,
  id: string,
  patch: Partial<Pick<MessageRow, "status" | "error" | "platformMessageId" | "sentAt" | "sendClaimedUntil">>,
) {
  return db.update(messages).set(patch).where(eq(messages.id, id));
}

export function deleteMessageStatement(db: Db, id: string) {
  return db.delete(messages).where(eq(messages.id, id));
}

/**
 * Takes a pending reply for send attempt `attempt`, if the attempt before it was the last
 * one tried; returns it, or nothing when it is settled or another sender has that attempt.
 */
export async function claimReplyAttempt(
  db: Db,
  workspaceId: string,
  id: string,
  attempt: number,
  claimedUntil: number,
): Promise<MessageRow | undefined> {
  return db
    .update(messages)
    .set({ sendAttempts: attempt, sendClaimedUntil: claimedUntil })
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.id, id),
        eq(messages.status, "pending"),
        eq(messages.direction, "outbound"),
        eq(messages.sendAttempts, attempt - 1),
      ),
    )
    .returning()
    .get();
}

/**
 * Up to `limit` pending replies whose sender is gone (its claim lapsed before `now`), each
 * claimed again for `graceMs` so the next sweep leaves it to the job this one enqueues.
 */
export async function takeAbandonedReplies(db: Db, now: number, graceMs: number, limit: number): Promise<MessageRow[]> {
  const abandoned = db
    .select({ id: messages.id })
    .from(messages)
    // The literal matches the partial index messages_reply_outbox; a bound 'pending' would not.
    .where(and(sql`${messages.status} = 'pending'`, lt(messages.sendClaimedUntil, now)))
    .limit(limit);
  return db
    .update(messages)
    .set({ sendClaimedUntil: now + graceMs })
    .where(inArray(messages.id, abandoned))
    .returning()
    .all();
}

/** A reply token is single-use: forget it once a reply went out. */
export function clearReplyTokenStatement(db: Db, conversationId: string) {
  return db.update(conversations).set({ replyToken: null, replyTokenExpiresAt: null }).where(eq(conversations.id, conversationId));
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

/** The conversation's last messages, oldest first, in the order the list shows them: context for tickets and the AI. */
export async function recentMessages(db: Db, conversationId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(listedAtOrCreated), desc(platformIndexOrNone), desc(messages.seq))
    .limit(limit)
    .all();
  return rows.reverse();
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

/** Replies the AI tier sent in a conversation: its per-conversation limit counts them. */
export function countAiReplies(db: Db, conversationId: string): Promise<number> {
  return db.$count(
    messages,
    and(
      eq(messages.conversationId, conversationId),
      eq(messages.direction, "outbound"),
      eq(messages.author, "ai"),
      ne(messages.status, "failed"),
    ),
  );
}
