/**
 * Event deliveries: the state of each (event, endpoint) pair. Queue messages only wake a
 * delivery up; whether an attempt is due, and who may make it, is decided here with
 * single-statement claims, so duplicate or early wake-ups never POST twice at once.
 */
import { and, asc, eq, getTableColumns, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk } from "./chunk.ts";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { eventDeliveries } from "./schema.ts";

export type DeliveryRow = typeof eventDeliveries.$inferSelect;
export type NewDeliveryRow = typeof eventDeliveries.$inferInsert;
export type DeliveryStatus = DeliveryRow["status"];
export type DeliveryReason = NonNullable<DeliveryRow["reason"]>;
export interface DeliveryKey {
  endpointId: string;
  eventId: string;
}

/** Rows per insert: every column may bind a parameter, and D1 binds at most 100. */
const ROWS_PER_INSERT = Math.floor(100 / Object.keys(getTableColumns(eventDeliveries)).length);

export type Statement = BatchItem<"sqlite">;

function byKey(key: DeliveryKey) {
  return and(eq(eventDeliveries.endpointId, key.endpointId), eq(eventDeliveries.eventId, key.eventId));
}

/** Runs statements in one D1 batch, all of them or none; resolves to their results, in order. */
export async function runAtomically(db: Db, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  return first ? db.batch([first, ...rest]) : [];
}

/** Insert statements that leave existing deliveries (a fan-out that ran twice) untouched. */
export function insertDeliveriesStatements(db: Db, rows: NewDeliveryRow[]): Statement[] {
  return chunk(rows, ROWS_PER_INSERT).map((part) => db.insert(eventDeliveries).values(part).onConflictDoNothing());
}

export async function getDelivery(db: Db, key: DeliveryKey): Promise<DeliveryRow | undefined> {
  return db.select().from(eventDeliveries).where(byKey(key)).get();
}

/** The row, created as due now if a wake-up predates it (a message enqueued before deliveries were tracked). */
export async function getOrCreateDelivery(db: Db, row: NewDeliveryRow): Promise<DeliveryRow | undefined> {
  await db.insert(eventDeliveries).values(row).onConflictDoNothing();
  return getDelivery(db, row);
}

/**
 * Takes the right to make the next attempt: only a pending delivery that is due and not
 * claimed by someone else (or whose claim has lapsed). Undefined when not ours.
 */
export async function claimDelivery(db: Db, key: DeliveryKey, token: string, now: number, until: number): Promise<DeliveryRow | undefined> {
  return db
    .update(eventDeliveries)
    .set({ claimToken: token, claimedUntil: until, wokenAt: now })
    .where(
      and(
        byKey(key),
        eq(eventDeliveries.status, "pending"),
        lte(eventDeliveries.nextAttemptAt, now),
        or(isNull(eventDeliveries.claimedUntil), lte(eventDeliveries.claimedUntil, now)),
      ),
    )
    .returning()
    .get();
}

export async function releaseClaim(db: Db, key: DeliveryKey, token: string): Promise<void> {
  await releaseClaimStatement(db, key, token);
}

export function releaseClaimStatement(db: Db, key: DeliveryKey, token: string) {
  return db
    .update(eventDeliveries)
    .set({ claimToken: null, claimedUntil: null })
    .where(and(byKey(key), eq(eventDeliveries.claimToken, token)));
}

export type AttemptSettlement = Pick<
  DeliveryRow,
  "status" | "reason" | "attempts" | "nextAttemptAt" | "lastAttemptAt" | "lastResponseStatus" | "lastError" | "updatedAt"
>;

/** Statement recording a claimed attempt's outcome; a no-op if the claim lapsed and passed to another. */
export function settleAttemptStatement(db: Db, key: DeliveryKey, token: string, settlement: AttemptSettlement) {
  return db
    .update(eventDeliveries)
    .set({ ...settlement, claimToken: null, claimedUntil: null })
    .where(and(byKey(key), eq(eventDeliveries.claimToken, token)));
}

/**
 * Statement recording the first attempt of a delivery that had no row (the pipeline's inline
 * attempts write one only when it must be retried or has failed). Should a row exist after
 * all (the stall sweep fanned the event out meanwhile), that row's own path settles it.
 */
export function insertSettledDeliveryStatement(db: Db, row: NewDeliveryRow) {
  return db.insert(eventDeliveries).values(row).onConflictDoNothing();
}

/** Statement ending a pending delivery without an attempt: held (endpoint disabled) or failed. */
export function stopPendingDeliveryStatement(
  db: Db,
  key: DeliveryKey,
  status: "failed" | "held",
  reason: DeliveryReason,
  error: string | null,
  now: number,
) {
  return db
    .update(eventDeliveries)
    .set({ status, reason, updatedAt: now, claimToken: null, claimedUntil: null, ...(error === null ? {} : { lastError: error }) })
    .where(and(byKey(key), eq(eventDeliveries.status, "pending")));
}

const KEPT_FOR_REPLAY: DeliveryStatus[] = ["failed", "held"];

/** An endpoint's failed and held deliveries, newest first. */
export async function listFailedDeliveries(db: Db, workspaceId: string, endpointId: string, page: Page): Promise<Listed<DeliveryRow>> {
  const { after, order } = pageQuery(page, eventDeliveries.createdAt, eventDeliveries.eventId);
  const rows = await db
    .select()
    .from(eventDeliveries)
    .where(
      and(
        eq(eventDeliveries.endpointId, endpointId),
        eq(eventDeliveries.workspaceId, workspaceId),
        inArray(eventDeliveries.status, KEPT_FOR_REPLAY),
        after,
      ),
    )
    .orderBy(...order)
    .limit(page.limit + 1);
  const listed = toListed(
    rows.map((row) => ({ ...row, id: row.eventId })),
    page,
    ({ id: _, ...row }) => row,
  );
  return listed;
}

/** A delivery made pending again, due now, from attempt 1. */
const restartedState = (now: number) => ({
  status: "pending" as const,
  reason: null,
  attempts: 0,
  nextAttemptAt: now,
  claimToken: null,
  claimedUntil: null,
  wokenAt: now,
  replays: sql`${eventDeliveries.replays} + 1`,
  updatedAt: now,
});

/**
 * Makes up to `limit` of an endpoint's failed and held deliveries created at or after
 * `since` pending and due at `now` again, oldest first, in one statement; returns them.
 * Too-large events are left alone: they would only fail again.
 */
export async function restartFailedSince(db: Db, endpointId: string, since: number, limit: number, now: number): Promise<DeliveryRow[]> {
  const targets = db
    .select({ eventId: eventDeliveries.eventId })
    .from(eventDeliveries)
    .where(
      and(
        eq(eventDeliveries.endpointId, endpointId),
        inArray(eventDeliveries.status, KEPT_FOR_REPLAY),
        or(isNull(eventDeliveries.reason), ne(eventDeliveries.reason, "too_large")),
        gte(eventDeliveries.createdAt, since),
      ),
    )
    .orderBy(asc(eventDeliveries.createdAt))
    .limit(limit);
  return db
    .update(eventDeliveries)
    .set(restartedState(now))
    .where(and(eq(eventDeliveries.endpointId, endpointId), inArray(eventDeliveries.eventId, targets)))
    .returning()
    .all();
}

/**
 * Statements that make deliveries pending and due at `now` again, from attempt 1, creating
 * those that never existed (an event from before the endpoint subscribed).
 */
export function restartDeliveriesStatements(db: Db, rows: NewDeliveryRow[], now: number): Statement[] {
  return chunk(rows, ROWS_PER_INSERT).map((part) =>
    db
      .insert(eventDeliveries)
      .values(part)
      .onConflictDoUpdate({
        target: [eventDeliveries.endpointId, eventDeliveries.eventId],
        set: restartedState(now),
      }),
  );
}

/**
 * Takes up to `limit` pending deliveries that should have been attempted more than
 * `graceMs` ago and whose wake-up has not been seen since (a crash between writing the row
 * and enqueueing its message, or a message that went to the dead-letter queue), marking
 * them woken now so the next sweep leaves them alone.
 */
export async function takeStalledDeliveries(db: Db, now: number, graceMs: number, limit: number): Promise<DeliveryRow[]> {
  const overdue = now - graceMs;
  const stalled = db
    .select({ rowid: sql<number>`rowid` })
    .from(eventDeliveries)
    .where(
      and(
        eq(eventDeliveries.status, "pending"),
        lt(eventDeliveries.nextAttemptAt, overdue),
        or(isNull(eventDeliveries.wokenAt), lt(eventDeliveries.wokenAt, overdue)),
        or(isNull(eventDeliveries.claimedUntil), lt(eventDeliveries.claimedUntil, now)),
      ),
    )
    .limit(limit);
  return db.update(eventDeliveries).set({ wokenAt: now }).where(inArray(sql`rowid`, stalled)).returning().all();
}
