/** Stored events: the exact bodies subscribers receive, kept for listing and replay. */
import { and, asc, eq, getTableColumns, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import type { GatewayEvent } from "../events/schema.ts";
import { chunk, IDS_PER_STATEMENT, selectInParts } from "./chunk.ts";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { events } from "./schema.ts";

export type EventRow = typeof events.$inferSelect;

export function eventRow(workspaceId: string, event: GatewayEvent, now: number): EventRow {
  return storedEventRow(workspaceId, event, now);
}

/** The row of any event envelope, business or operational (deliver/operational-events.ts). */
export function storedEventRow(workspaceId: string, event: { id: string; type: string }, now: number): EventRow {
  return { id: event.id, workspaceId, type: event.type, payload: JSON.stringify(event), createdAt: now, fannedOutAt: null };
}

/** Insert statement that leaves an existing event (same derived id) untouched. */
export function insertEventIfNewStatement(db: Db, row: EventRow) {
  return db.insert(events).values(row).onConflictDoNothing();
}

/** Rows per insert: every column may bind a parameter, and D1 binds at most 100. */
const EVENT_ROWS_PER_INSERT = Math.floor(100 / Object.keys(getTableColumns(events)).length);

/** Insert statements for several events (few statements, not one each); existing ones are left untouched. */
export function insertEventsIfNewStatements(db: Db, rows: EventRow[]) {
  return chunk(rows, EVENT_ROWS_PER_INSERT).map((part) => db.insert(events).values(part).onConflictDoNothing());
}

/** The same, returning the ids actually inserted (an event stored by an earlier run is not among them). */
export function insertEventsIfNewReturningStatements(db: Db, rows: EventRow[]) {
  return chunk(rows, EVENT_ROWS_PER_INSERT).map((part) =>
    db.insert(events).values(part).onConflictDoNothing().returning({ id: events.id }),
  );
}

/** Statements marking events fanned out: every delivery they needed is recorded or enqueued. */
export function markFannedOutStatements(db: Db, ids: string[], now: number) {
  return chunk(ids, IDS_PER_STATEMENT).map((part) => db.update(events).set({ fannedOutAt: now }).where(inArray(events.id, part)));
}

export async function getEventRow(db: Db, id: string): Promise<EventRow | undefined> {
  return db.select().from(events).where(eq(events.id, id)).get();
}

/** The events among `ids` whose deliveries are not yet all enqueued. */
export async function eventsAwaitingFanOut(db: Db, ids: string[]): Promise<EventRow[]> {
  return selectInParts(ids, (part) =>
    db
      .select()
      .from(events)
      .where(and(inArray(events.id, part), isNull(events.fannedOutAt)))
      .all(),
  );
}

/** The workspace's events among `ids` (replay by id). */
export async function getWorkspaceEvents(db: Db, workspaceId: string, ids: string[]): Promise<EventRow[]> {
  return selectInParts(ids, (part) =>
    db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), inArray(events.id, part)))
      .all(),
  );
}

/** Events recorded between `after` and `before` whose fan-out never completed (the process crashed in between). */
export async function eventsNeverFannedOut(
  db: Db,
  window: { after: number; before: number },
  limit: number,
): Promise<Pick<EventRow, "id" | "workspaceId">[]> {
  return db
    .select({ id: events.id, workspaceId: events.workspaceId })
    .from(events)
    .where(and(isNull(events.fannedOutAt), gt(events.createdAt, window.after), lt(events.createdAt, window.before)))
    .orderBy(asc(events.createdAt))
    .limit(limit)
    .all();
}

export async function markFannedOut(db: Db, ids: string[], now: number): Promise<void> {
  await Promise.all(
    chunk(ids, IDS_PER_STATEMENT).map((part) => db.update(events).set({ fannedOutAt: now }).where(inArray(events.id, part))),
  );
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

/** One row of the traffic count: a bucket, an event type and, for `message.sent`, its author's type. */
export interface TrafficCountRow {
  bucket: number;
  type: string;
  author: string | null;
  n: number;
}

/**
 * Counts the workspace's DMs received, replies sent (by author type) and tickets opened in
 * [from, to), per bucket of `bucketMs`, in one aggregate over the events index: a live
 * sale's thousands of events never travel to the worker. D1 binds JS numbers as REAL, so the
 * bucket index is cast back to an integer.
 */
export async function countTraffic(db: Db, workspaceId: string, from: number, to: number, bucketMs: number): Promise<TrafficCountRow[]> {
  return db.all<TrafficCountRow>(sql`
    SELECT CAST((${events.createdAt} - ${from}) / ${bucketMs} AS INTEGER) AS bucket, ${events.type} AS type,
      CASE WHEN ${events.type} = 'message.sent' THEN json_extract(${events.payload}, '$.data.message.author.type') END AS author,
      count(*) AS n
    FROM ${events}
    WHERE ${events.workspaceId} = ${workspaceId} AND ${events.createdAt} >= ${from} AND ${events.createdAt} < ${to}
      AND ${events.type} IN ('message.received', 'message.sent', 'ticket.created')
    GROUP BY bucket, type, author`);
}
