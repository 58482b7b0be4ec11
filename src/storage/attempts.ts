/** Delivery attempts: one row per POST to a subscriber (or per attempt the URL guard stopped), success or not. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { deliveryAttempts } from "./schema.ts";

export type AttemptRow = typeof deliveryAttempts.$inferSelect;

/** Insert statement, for a batch that records the attempt and its consequences together. */
export function insertAttempt(db: Db, row: AttemptRow) {
  return db.insert(deliveryAttempts).values(row);
}

export async function listAttempts(
  db: Db,
  workspaceId: string,
  endpointId: string,
  page: Page,
  eventId?: string,
): Promise<Listed<AttemptRow>> {
  const { after, order } = pageQuery(page, deliveryAttempts.createdAt, deliveryAttempts.id);
  const rows = await db
    .select()
    .from(deliveryAttempts)
    .where(
      and(
        eq(deliveryAttempts.workspaceId, workspaceId),
        eq(deliveryAttempts.endpointId, endpointId),
        eventId ? eq(deliveryAttempts.eventId, eventId) : undefined,
        after,
      ),
    )
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}
