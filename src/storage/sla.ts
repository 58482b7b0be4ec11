/** SLA clock rows: started, warned, breached, stopped. The metrics are computed from them. */
import { and, eq, gte, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "./db.ts";
import { slaClocks } from "./schema.ts";

export type SlaClockRow = typeof slaClocks.$inferSelect;

export function insertClockIfNew(db: Db, row: SlaClockRow) {
  return db.insert(slaClocks).values(row).onConflictDoNothing();
}

export function markClocksStopped(db: Db, ids: string[], now: number) {
  return db
    .update(slaClocks)
    .set({ stoppedAt: now })
    .where(and(inArray(slaClocks.id, ids), isNull(slaClocks.stoppedAt)));
}

export function markClock(db: Db, id: string, field: "warnedAt" | "breachedAt", now: number) {
  return db
    .update(slaClocks)
    .set({ [field]: now })
    .where(and(eq(slaClocks.id, id), isNull(slaClocks[field])));
}

/** The workspace's clocks among `ids` (D1 binds at most 100 parameters: callers pass a page's worth). */
export async function getClocks(db: Db, workspaceId: string, ids: string[]): Promise<SlaClockRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.workspaceId, workspaceId), inArray(slaClocks.id, ids)))
    .all();
}

export async function clocksStartedBetween(db: Db, workspaceId: string, from: number, to: number): Promise<SlaClockRow[]> {
  return db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.workspaceId, workspaceId), gte(slaClocks.startedAt, from), lt(slaClocks.startedAt, to)))
    .all();
}
