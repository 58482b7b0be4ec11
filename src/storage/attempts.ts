/** Delivery attempts: one row per POST to a subscriber, success or not. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { deliveryAttempts } from "./schema.ts";

export type AttemptRow = typeof deliveryAttempts.$inferSelect;

export async function insertAttempt(db: Db, row: AttemptRow): Promise<void> {
  await db.insert(deliveryAttempts).values(row);
}

export async function listAttempts(db: Db, workspaceId: string, endpointId: string, page: Page): Promise<Listed<AttemptRow>> {
  const { after, order } = pageQuery(page, deliveryAttempts.createdAt, deliveryAttempts.id);
  const rows = await db
    .select()
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.workspaceId, workspaceId), eq(deliveryAttempts.endpointId, endpointId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}
