/**
 * A workspace's SLA clocks, in its EventLogObject's own SQLite beside the events: one row per
 * clock ever started (first response, agent response), with when it was warned, breached and
 * stopped. The conversation objects run the clocks (their state holds the running ones, their
 * alarm warns and breaches); this table is the per-workspace view the metrics and the tickets
 * read. Its facts ride on calls the conversation already makes to the log (a DM's events
 * append, a reply's, an alarm's), so a clock costs no round trip of its own. Every change is
 * idempotent: a re-run starts nothing twice and stops, warns or breaches only once.
 */
import { chunk, IDS_PER_STATEMENT } from "../storage/chunk.ts";

/** A clock as the workspace keeps it; `clock` is its kind (the metrics' name for it). */
export interface ClockRecord {
  id: string;
  channelId: string;
  conversationId: string;
  /** The inbound message (first_response) or the ticket (agent_response) that started it. */
  subjectId: string;
  clock: "first_response" | "agent_response";
  startedAt: number;
  deadline: number;
  windowSeconds: number;
  stoppedAt: number | null;
  warnedAt: number | null;
  breachedAt: number | null;
}

/** What happened to a workspace's clocks, carried with the log call that goes anyway. */
export type ClockChange =
  | { change: "started"; clock: ClockRecord }
  | { change: "stopped"; ids: string[]; at: number }
  | { change: "warned" | "breached"; id: string; at: number };

interface StoredClock extends Record<string, SqlStorageValue> {
  id: string;
  channel_id: string;
  conversation_id: string;
  subject_id: string;
  kind: string;
  started_at: number;
  deadline: number;
  window_seconds: number;
  stopped_at: number | null;
  warned_at: number | null;
  breached_at: number | null;
}

function fromStored(row: StoredClock): ClockRecord {
  return {
    id: row.id,
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    subjectId: row.subject_id,
    clock: row.kind === "agent_response" ? "agent_response" : "first_response",
    startedAt: row.started_at,
    deadline: row.deadline,
    windowSeconds: row.window_seconds,
    stoppedAt: row.stopped_at,
    warnedAt: row.warned_at,
    breachedAt: row.breached_at,
  };
}

export class ClockLog {
  constructor(private readonly sql: SqlStorage) {
    // Without a rowid the primary key is the table; one index, on the start, serves the
    // metrics' window and the purge. Stopping, warning and breaching rewrite the row only.
    sql.exec(
      `CREATE TABLE IF NOT EXISTS sla_clocks (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        window_seconds INTEGER NOT NULL,
        stopped_at INTEGER,
        warned_at INTEGER,
        breached_at INTEGER
      ) WITHOUT ROWID`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS sla_clocks_started ON sla_clocks (started_at)");
  }

  apply(changes: ClockChange[]): void {
    for (const change of changes) {
      if (change.change === "started") this.start(change.clock);
      else if (change.change === "stopped") this.stop(change.ids, change.at);
      else this.mark(change.id, change.change === "warned" ? "warned_at" : "breached_at", change.at);
    }
  }

  /** The clocks among `ids`, any number of them. */
  read(ids: string[]): ClockRecord[] {
    return chunk([...new Set(ids)], IDS_PER_STATEMENT).flatMap((part) =>
      this.sql
        .exec<StoredClock>(`SELECT * FROM sla_clocks WHERE id IN (${part.map(() => "?").join(", ")})`, ...part)
        .toArray()
        .map(fromStored),
    );
  }

  /** Every clock started in [from, to). */
  startedBetween(from: number, to: number): ClockRecord[] {
    return this.sql
      .exec<StoredClock>("SELECT * FROM sla_clocks WHERE started_at >= ? AND started_at < ?", from, to)
      .toArray()
      .map(fromStored);
  }

  /** Drops at most `limit` clocks started before `before`; returns how many went. */
  purge(before: number, limit: number): number {
    this.sql.exec(
      "DELETE FROM sla_clocks WHERE id IN (SELECT id FROM sla_clocks WHERE started_at < ? ORDER BY started_at LIMIT ?)",
      before,
      limit,
    );
    return this.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
  }

  private start(clock: ClockRecord): void {
    this.sql.exec(
      `INSERT INTO sla_clocks (id, channel_id, conversation_id, subject_id, kind, started_at, deadline, window_seconds, stopped_at, warned_at, breached_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      clock.id,
      clock.channelId,
      clock.conversationId,
      clock.subjectId,
      clock.clock,
      clock.startedAt,
      clock.deadline,
      clock.windowSeconds,
      clock.stoppedAt,
      clock.warnedAt,
      clock.breachedAt,
    );
  }

  private stop(ids: string[], at: number): void {
    for (const part of chunk([...new Set(ids)], IDS_PER_STATEMENT)) {
      this.sql.exec(
        `UPDATE sla_clocks SET stopped_at = ? WHERE stopped_at IS NULL AND id IN (${part.map(() => "?").join(", ")})`,
        at,
        ...part,
      );
    }
  }

  private mark(id: string, column: "warned_at" | "breached_at", at: number): void {
    this.sql.exec(`UPDATE sla_clocks SET ${column} = ? WHERE id = ? AND ${column} IS NULL`, at, id);
  }
}
