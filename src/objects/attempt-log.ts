/**
 * An endpoint's delivery attempts, in its object's own SQLite: one row per POST to the
 * subscriber (or per attempt the URL guard stopped), success or not, served by
 * GET /v1/endpoints/:id/attempts. Written by the same call that frees the attempts' slots in
 * the endpoint's limiter, so recording them costs no round trip and no D1 row; each write
 * also drops the rows older than the workspace's retention, a bounded number at a time.
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
    sql.exec(
      `CREATE TABLE IF NOT EXISTS attempts (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        endpoint_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        response_status INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        response_body TEXT,
        created_at INTEGER NOT NULL
      )`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS attempts_newest ON attempts (created_at, id)");
    sql.exec("CREATE INDEX IF NOT EXISTS attempts_event ON attempts (event_id, created_at, id)");
  }

  /** Adds `rows` (an id already present is left as it is) and drops some of those older than `keepSince`. */
  record(rows: AttemptRow[], keepSince: number): void {
    for (const row of rows) {
      this.sql.exec(
        `INSERT INTO attempts (id, workspace_id, endpoint_id, event_id, attempt, status, response_status, duration_ms, error, response_body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
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
      "DELETE FROM attempts WHERE rowid IN (SELECT rowid FROM attempts WHERE created_at < ? LIMIT ?)",
      keepSince,
      PURGE_PER_WRITE,
    );
  }

  /** Newest first by (createdAt, id), like every list of the API. */
  list(page: Page, eventId?: string): Listed<AttemptRow> {
    return newestFirst(this.sql, "attempts", page, eventId === undefined ? undefined : { column: "event_id", value: eventId }, fromStored);
  }

  clear(): void {
    this.sql.exec("DELETE FROM attempts");
  }
}
