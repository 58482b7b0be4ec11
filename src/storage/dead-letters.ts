/** Queue messages that could not be processed: kept, listed and retryable. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { deadLetters, inboundBlobs } from "./schema.ts";

export type DeadLetterRow = typeof deadLetters.$inferSelect;

export async function insertDeadLetter(db: Db, row: DeadLetterRow): Promise<void> {
  await db.insert(deadLetters).values(row).onConflictDoNothing();
}

export async function getDeadLetter(db: Db, workspaceId: string, id: string): Promise<DeadLetterRow | undefined> {
  return db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.workspaceId, workspaceId), eq(deadLetters.id, id)))
    .get();
}

export async function listDeadLetters(db: Db, workspaceId: string, page: Page): Promise<Listed<DeadLetterRow>> {
  const { after, order } = pageQuery(page, deadLetters.createdAt, deadLetters.id);
  const rows = await db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export async function markDeadLetterRetried(db: Db, id: string, now: number): Promise<void> {
  await db.update(deadLetters).set({ retriedAt: now }).where(eq(deadLetters.id, id));
}

export async function insertBlob(db: Db, id: string, body: string, now: number): Promise<void> {
  await db.insert(inboundBlobs).values({ id, body, createdAt: now });
}

export async function getBlob(db: Db, id: string): Promise<string | undefined> {
  const row = await db.select({ body: inboundBlobs.body }).from(inboundBlobs).where(eq(inboundBlobs.id, id)).get();
  return row?.body;
}
