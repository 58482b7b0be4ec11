/** Stored events: the exact bodies subscribers receive, kept for listing and replay. */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { GatewayEvent } from "../events/schema.ts";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { events } from "./schema.ts";

export type EventRow = typeof events.$inferSelect;

export function eventRow(workspaceId: string, event: GatewayEvent, now: number): EventRow {
  return { id: event.id, workspaceId, type: event.type, payload: JSON.stringify(event), createdAt: now, fannedOutAt: null };
}

/** Insert statement that leaves an existing event (same derived id) untouched. */
export function insertEventIfNew(db: Db, row: EventRow) {
  return db.insert(events).values(row).onConflictDoNothing();
}

export async function getEventRow(db: Db, id: string): Promise<EventRow | undefined> {
  return db.select().from(events).where(eq(events.id, id)).get();
}

/** The events among `ids` whose deliveries are not yet all enqueued. */
export async function eventsAwaitingFanOut(db: Db, ids: string[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(events)
    .where(and(inArray(events.id, ids), isNull(events.fannedOutAt)))
    .all();
}

export async function markFannedOut(db: Db, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.update(events).set({ fannedOutAt: now }).where(inArray(events.id, ids));
}

export async function listEvents(db: Db, workspaceId: string, page: Page, type?: string): Promise<Listed<EventRow>> {
  const { after, order } = pageQuery(page, events.createdAt, events.id);
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId), type ? eq(events.type, type) : undefined, after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}
