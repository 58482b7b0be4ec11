/**
 * An endpoint's delivery attempts, in its object's own SQLite: one row per POST to the
 * subscriber (or per attempt the URL guard stopped), success or not, served by
 * GET /v1/endpoints/:id/attempts. Written by the same call that frees the attempts' slots in
 * the endpoint's limiter, so recording them costs no round trip and no D1 row; each write
 * also drops the rows older than the workspace's retention, a bounded number at a time.
 *
 * Storage bills every row written, index entries included, so an attempt writes two: the
 * table is keyed by (created_at, id) without a rowid, so the key is the table and serves the
 * newest-first list and the purge by age, and `attempt_history_event` serves the list of one
 * event's attempts. An attempt's id is random and its `created_at` fixed when it is made, so a
 * retried write of it carries the same key and is left as it is.
 */
import type { AttemptRow } from "../deliver/attempt-row.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { newestFirst } from "./newest-first.ts";

/** Expired rows dropped per write: the log shrinks steadily without any one write growing long. */
const PURGE_PER_WRITE = 200;

interface StoredAttempt extends Record<string, SqlStorageValue> {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  attempt: number;
  status: string;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  created_at: number;
}

function fromStored(row: StoredAttempt): AttemptRow {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    attempt: row.attempt,
    status: row.status === "succeeded" ? "succeeded" : "failed",
    responseStatus: row.response_status,
    durationMs: row.duration_ms,
    error: row.error,
    responseBody: row.response_body,
    createdAt: row.created_at,
  };
}

export class AttemptLog {
  constructor(private readonly sql: SqlStorage) {
    // Objects of earlier versions kept a rowid table `attempts` (4 entries an attempt, its
    // primary key's autoindex included); no deployment holds data, so it goes.
    sql.exec("DROP TABLE IF EXISTS attempts");
    sql.exec(
      `CREATE TABLE IF NOT EXISTS attempt_history (
        id TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        endpoint_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        response_status INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        response_body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (created_at, id)
      ) WITHOUT ROWID`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS attempt_history_event ON attempt_history (event_id, created_at, id)");
  }

  /** Adds `rows` (an attempt already present is left as it is) and drops some of those older than `keepSince`. */
  record(rows: AttemptRow[], keepSince: number): void {
    for (const row of rows) {
      this.sql.exec(
        `INSERT INTO attempt_history (id, workspace_id, endpoint_id, event_id, attempt, status, response_status, duration_ms, error, response_body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (created_at, id) DO NOTHING`,
        row.id,
        row.workspaceId,
        row.endpointId,
        row.eventId,
        row.attempt,
        row.status,
        row.responseStatus,
        row.durationMs,
        row.error,
        row.responseBody,
        row.createdAt,
      );
    }
    this.sql.exec(
      "DELETE FROM attempt_history WHERE (created_at, id) IN (SELECT created_at, id FROM attempt_history WHERE created_at < ? ORDER BY created_at LIMIT ?)",
      keepSince,
      PURGE_PER_WRITE,
    );
  }

  /** Newest first by (createdAt, id), like every list of the API. */
  list(page: Page, eventId?: string): Listed<AttemptRow> {
    return newestFirst(
      this.sql,
      "attempt_history",
      page,
      eventId === undefined ? undefined : { column: "event_id", value: eventId },
      fromStored,
    );
  }

  clear(): void {
    this.sql.exec("DELETE FROM attempt_history");
  }
}
