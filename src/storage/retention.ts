/**
 * Retention: deletes delivery states and dead letters older than
 * their workspace's `deliveries.retentionDays` (read straight from the stored settings JSON,
 * so one statement serves every workspace; a dead letter with no workspace gets the
 * default), and raw inbound blobs older than the default.
 * Deletes go in chunks, so one run stays within D1's limits; the next run continues. An
 * endpoint's attempt history lives in its object, which drops expired attempts as it writes;
 * a workspace's events live in its event log object, which purges them on its own alarm.
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./db.ts";
import { deadLetters, eventDeliveries, inboundBlobs, workspaceSettings } from "./schema.ts";

const DAY_MS = 86_400_000;
const CHUNK = 500;
const MAX_CHUNKS_PER_TABLE = 40;

export interface PurgeCounts {
  deliveries: number;
  inboundBlobs: number;
  deadLetters: number;
}

/** A row's workspace retention in days: its setting, else the default. */
function retentionDays(workspaceId: SQLiteColumn, defaultDays: number): SQL {
  // No workspace (a dead letter whose channel is gone): the sub-select finds nothing, the default applies.
  return sql`coalesce((SELECT json_extract(${workspaceSettings.settings}, '$.deliveries.retentionDays') FROM ${workspaceSettings}
    WHERE ${workspaceSettings.workspaceId} = ${workspaceId}), ${defaultDays})`;
}

/** The shortest retention in force: rows younger than it are never candidates (keeps the scan on the index). */
async function shortestRetentionDays(db: Db, defaultDays: number): Promise<number> {
  const row = await db.get<{ days: number | null }>(
    sql`SELECT min(json_extract(${workspaceSettings.settings}, '$.deliveries.retentionDays')) AS days FROM ${workspaceSettings}`,
  );
  return Math.min(defaultDays, row?.days ?? defaultDays);
}

async function deleteInChunks(db: Db, table: SQLiteTable, condition: SQL): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_CHUNKS_PER_TABLE; i++) {
    const result = await db.run(sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${condition} LIMIT ${CHUNK})`);
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < CHUNK) break;
  }
  return deleted;
}

export async function purgeOlderThanRetention(db: Db, now: number, defaultDays: number): Promise<PurgeCounts> {
  const candidatesBefore = now - (await shortestRetentionDays(db, defaultDays)) * DAY_MS;
  const expired = (createdAt: SQLiteColumn, workspaceId: SQLiteColumn) =>
    sql`${createdAt} < ${candidatesBefore} AND ${createdAt} < ${now} - ${DAY_MS} * ${retentionDays(workspaceId, defaultDays)}`;
  return {
    deliveries: await deleteInChunks(db, eventDeliveries, expired(eventDeliveries.createdAt, eventDeliveries.workspaceId)),
    inboundBlobs: await deleteInChunks(db, inboundBlobs, sql`${inboundBlobs.createdAt} < ${now - defaultDays * DAY_MS}`),
    deadLetters: await deleteInChunks(db, deadLetters, expired(deadLetters.createdAt, deadLetters.workspaceId)),
  };
}
