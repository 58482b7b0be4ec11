/** Contacts, conversations and messages as the pipeline writes them. */
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { contacts, conversations, messages } from "./schema.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** Which of a contact and a conversation already exist (one round trip). */
export async function findExisting(
  db: Db,
  contactId: string,
  conversationId: string,
): Promise<{ contact: boolean; conversation: boolean }> {
  const [contactRows, conversationRows] = await db.batch([
    db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)),
    db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)),
  ]);
  return { contact: contactRows.length > 0, conversation: conversationRows.length > 0 };
}

export async function contactExists(db: Db, contactId: string): Promise<boolean> {
  return (await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)).get()) !== undefined;
}

/** Creates the contact, or refreshes its display name when the platform sent one. */
export function upsertContact(db: Db, row: ContactRow) {
  return db
    .insert(contacts)
    .values(row)
    .onConflictDoUpdate({
      target: contacts.id,
      set: { displayName: sql`coalesce(excluded.display_name, ${contacts.displayName})`, updatedAt: row.updatedAt },
    });
}

export function upsertConversation(db: Db, row: ConversationRow) {
  return db
    .insert(conversations)
    .values(row)
    .onConflictDoUpdate({
      target: conversations.id,
      set: { lastMessageAt: sql`max(${conversations.lastMessageAt}, excluded.last_message_at)`, updatedAt: row.updatedAt },
    });
}

export function insertMessageIfNew(db: Db, row: MessageRow) {
  return db.insert(messages).values(row).onConflictDoNothing();
}

export async function getMessagesByIds(db: Db, ids: string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(messages).where(inArray(messages.id, ids)).all();
}

/** Records a follow, unfollow or block: creates the contact if needed, sets its status. */
export function upsertContactStatus(db: Db, row: ContactRow) {
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
