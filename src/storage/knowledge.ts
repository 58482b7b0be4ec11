/** Knowledge entries (what the AI tier answers from) and the AI tier's daily call counts. */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { aiUsage, knowledgeEntries } from "./schema.ts";

export type KnowledgeRow = typeof knowledgeEntries.$inferSelect;
export type KnowledgePatch = Partial<Pick<KnowledgeRow, "title" | "text" | "language">> & { updatedAt: number };

export async function insertKnowledge(db: Db, row: KnowledgeRow): Promise<KnowledgeRow> {
  const inserted = await db.insert(knowledgeEntries).values(row).returning().get();
  if (!inserted) throw new Error("knowledge insert returned nothing");
  return inserted;
}

export function getKnowledge(db: Db, workspaceId: string, id: string): Promise<KnowledgeRow | undefined> {
  return db
    .select()
    .from(knowledgeEntries)
    .where(and(eq(knowledgeEntries.workspaceId, workspaceId), eq(knowledgeEntries.id, id)))
    .get();
}

export async function listKnowledge(db: Db, workspaceId: string, page: Page): Promise<Listed<KnowledgeRow>> {
  const { after, order } = pageQuery(page, knowledgeEntries.createdAt, knowledgeEntries.id);
  const rows = await db
    .select()
    .from(knowledgeEntries)
    .where(and(eq(knowledgeEntries.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

/** Every entry of a workspace, for search: bounded by the per-workspace cap. */
export function allKnowledge(db: Db, workspaceId: string): Promise<KnowledgeRow[]> {
  return db.select().from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, workspaceId)).all();
}

export function countKnowledge(db: Db, workspaceId: string): Promise<number> {
  return db.$count(knowledgeEntries, eq(knowledgeEntries.workspaceId, workspaceId));
}

export function updateKnowledge(db: Db, workspaceId: string, id: string, patch: KnowledgePatch): Promise<KnowledgeRow | undefined> {
  return db
    .update(knowledgeEntries)
    .set(patch)
    .where(and(eq(knowledgeEntries.workspaceId, workspaceId), eq(knowledgeEntries.id, id)))
    .returning()
    .get();
}

export async function deleteKnowledge(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(knowledgeEntries)
    .where(and(eq(knowledgeEntries.workspaceId, workspaceId), eq(knowledgeEntries.id, id)))
    .returning({ id: knowledgeEntries.id })
    .get();
  return deleted !== undefined;
}

/**
 * Counts one model call against the day's budget, in one statement: the call is allowed only
 * if the count was below `budget`, so concurrent conversations cannot overrun it together.
 */
export async function takeAiCall(db: Db, workspaceId: string, day: string, budget: number): Promise<boolean> {
  const row = await db
    .insert(aiUsage)
    .values({ workspaceId, day, calls: 1 })
    .onConflictDoUpdate({
      target: [aiUsage.workspaceId, aiUsage.day],
      set: { calls: sql`${aiUsage.calls} + 1` },
      setWhere: sql`${aiUsage.calls} < ${budget}`,
    })
    .returning({ calls: aiUsage.calls })
    .get();
  return row !== undefined && row.calls <= budget;
}
