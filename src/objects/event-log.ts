/**
 * A workspace's event log, in its EventLogObject's own SQLite: every event with the exact
 * body its subscribers receive (GET /v1/events pages it, replay and retries read it), and
 * `fanned_out_at`, the crash-safety mark: an event stored and never marked is the stall
 * sweep's. Storage only; the object (event-log-object.ts) decides when to sweep and purge.
 */

import { chunk, IDS_PER_STATEMENT } from "../storage/chunk.ts";
import type { EventRow, TrafficCountRow } from "../storage/events.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { newestFirst } from "./newest-first.ts";

interface StoredEvent extends Record<string, SqlStorageValue> {
  id: string;
  workspace_id: string;
  type: string;
  payload: string;
  created_at: number;
  fanned_out_at: number | null;
}

function fromStored(row: StoredEvent): EventRow {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at,
    fannedOutAt: row.fanned_out_at,
  };
}

/** The types GET /v1/metrics/traffic counts. */
const TRAFFIC_TYPES = ["message.received", "message.sent", "ticket.created"];

export class EventLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        fanned_out_at INTEGER
      ) WITHOUT ROWID`,
    );
    // Every index is a row written per insert (Durable Object storage bills them), so there
    // is one, and none on `fanned_out_at`: marking an event rewrites its row only. Without a
    // rowid the primary key is the table itself. The newest index pages the log, counts
    // traffic, purges by age and serves the stall sweep (a short window of it, see `stalled`).
    // A type filter pages it too, reading past the other types' events: rows read cost about
    // a thousandth of rows written, and only that filter would use an index on the type.
    sql.exec("CREATE INDEX IF NOT EXISTS events_newest ON events (created_at, id)");
    // Logs created before kept one (every event paid it); no deployment depends on it.
    sql.exec("DROP INDEX IF EXISTS events_type");
  }

  /**
   * Stores `rows`; an id already present keeps its first-stored bytes (a re-run derives the
   * same ids with a later timestamp). Returns the given events that still await their
   * fan-out, as stored: the new ones not marked, and earlier ones never marked.
   */
  append(rows: EventRow[]): EventRow[] {
    for (const row of rows) {
      this.sql.exec(
        `INSERT INTO events (id, workspace_id, type, payload, created_at, fanned_out_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
        row.id,
        row.workspaceId,
        row.type,
        row.payload,
        row.createdAt,
        row.fannedOutAt,
      );
    }
    return this.awaiting(rows.map((row) => row.id));
  }

  /** The events among `ids` not yet fanned out. */
  awaiting(ids: string[]): EventRow[] {
    return this.selectIn(ids, "AND fanned_out_at IS NULL");
  }

  /** The events among `ids`, whatever their state. */
  read(ids: string[]): EventRow[] {
    return this.selectIn(ids, "");
  }

  markFannedOut(ids: string[], now: number): void {
    for (const part of chunk([...new Set(ids)], IDS_PER_STATEMENT)) {
      this.sql.exec(
        `UPDATE events SET fanned_out_at = ? WHERE fanned_out_at IS NULL AND id IN (${part.map(() => "?").join(", ")})`,
        now,
        ...part,
      );
    }
  }

  /**
   * Events stored between `after` and `before` and never marked fanned out, oldest first. It
   * reads every event of the window (no index on the mark), so the sweep keeps it short.
   */
  stalled(window: { after: number; before: number }, limit: number): EventRow[] {
    return this.sql
      .exec<StoredEvent>(
        "SELECT * FROM events WHERE fanned_out_at IS NULL AND created_at > ? AND created_at < ? ORDER BY created_at LIMIT ?",
        window.after,
        window.before,
        limit,
      )
      .toArray()
      .map(fromStored);
  }

  /** Whether an event stored after `after` is not marked fanned out (reads that window: no index on the mark). */
  anyUnmarkedAfter(after: number): boolean {
    return this.sql.exec("SELECT 1 FROM events WHERE created_at > ? AND fanned_out_at IS NULL LIMIT 1", after).toArray().length > 0;
  }

  /** The log's workspace (every row carries it), or null while the log is empty. */
  workspaceId(): string | null {
    const row = this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM events LIMIT 1").toArray()[0];
    return row?.workspace_id ?? null;
  }

  /** Newest first by (createdAt, id), like every list of the API; `type` filters (read through `events_newest`). */
  list(page: Page, type?: string): Listed<EventRow> {
    return newestFirst(this.sql, "events", page, type === undefined ? undefined : { column: "type", value: type }, fromStored);
  }

  /**
   * DMs received, replies sent (by author type) and tickets opened in [from, to), per bucket
   * of `bucketMs`, in one aggregate: a live sale's thousands of events never leave the object.
   */
  countTraffic(from: number, to: number, bucketMs: number): TrafficCountRow[] {
    return this.sql
      .exec<{ bucket: number; type: string; author: string | null; n: number }>(
        `SELECT CAST((created_at - ?) / ? AS INTEGER) AS bucket, type,
           CASE WHEN type = 'message.sent' THEN json_extract(payload, '$.data.message.author.type') END AS author,
           count(*) AS n
         FROM events
         WHERE type IN (${TRAFFIC_TYPES.map(() => "?").join(", ")}) AND created_at >= ? AND created_at < ?
         GROUP BY bucket, type, author`,
        from,
        bucketMs,
        ...TRAFFIC_TYPES,
        from,
        to,
      )
      .toArray()
      .map((row) => ({ bucket: row.bucket, type: row.type, author: row.author, n: row.n }));
  }

  /** Drops at most `limit` events created before `before`; returns how many went. */
  purge(before: number, limit: number): number {
    this.sql.exec("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ? ORDER BY created_at LIMIT ?)", before, limit);
    return this.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
  }

  private selectIn(ids: string[], condition: string): EventRow[] {
    return chunk([...new Set(ids)], IDS_PER_STATEMENT).flatMap((part) =>
      this.sql
        .exec<StoredEvent>(`SELECT * FROM events WHERE id IN (${part.map(() => "?").join(", ")}) ${condition}`, ...part)
        .toArray()
        .map(fromStored),
    );
  }
}
