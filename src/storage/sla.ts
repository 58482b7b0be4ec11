/** SLA clock rows: started, warned, breached, stopped. The metrics are computed from them. */
import { and, eq, gte, inArray, isNull, lt } from "drizzle-orm";
import { chunk, IDS_PER_STATEMENT, selectInParts } from "./chunk.ts";
import type { Db } from "./db.ts";
import { slaClocks } from "./schema.ts";

export type SlaClockRow = typeof slaClocks.$inferSelect;

export function insertClockIfNewStatement(db: Db, row: SlaClockRow) {
  return db.insert(slaClocks).values(row).onConflictDoNothing();
}

/** Statements marking the clocks `ids` stopped, one per 90 ids: a buyer nobody answers may have hundreds running. */
export function markClocksStoppedStatements(db: Db, ids: string[], now: number) {
  return chunk(ids, IDS_PER_STATEMENT).map((part) =>
    db
      .update(slaClocks)
      .set({ stoppedAt: now })
      .where(and(inArray(slaClocks.id, part), isNull(slaClocks.stoppedAt))),
  );
}

export function markClockStatement(db: Db, id: string, field: "warnedAt" | "breachedAt", now: number) {
  return db
    .update(slaClocks)
    .set({ [field]: now })
    .where(and(eq(slaClocks.id, id), isNull(slaClocks[field])));
}

/** The workspace's clocks among `ids`, any number of them. */
export async function getClocks(db: Db, workspaceId: string, ids: string[]): Promise<SlaClockRow[]> {
  return selectInParts(ids, (part) =>
    db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.workspaceId, workspaceId), inArray(slaClocks.id, part)))
      .all(),
  );
}

export async function clocksStartedBetween(db: Db, workspaceId: string, from: number, to: number): Promise<SlaClockRow[]> {
  return db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.workspaceId, workspaceId), gte(slaClocks.startedAt, from), lt(slaClocks.startedAt, to)))
    .all();
}
