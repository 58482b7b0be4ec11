/**
 * Counts what the workspaces' event log objects (src/objects/event-log.ts) wrote, read from
 * their SQLite files in the run's --persist-to directory once wrangler has stopped (Node's
 * own SQLite, read only). Durable Object storage bills every row written, index entries
 * included (each file's indexes are read from it, see `indexesOn`): an event is its row and
 * one index entry (`events_newest`), and a mark after it was stored
 * rewrites the row (an event stored already marked, with nothing to attempt, has
 * `fanned_out_at` equal to `created_at`; one marked in the same millisecond is missed). The
 * workspace's SLA clocks live there too (src/objects/clock-log.ts): a clock is its row and one
 * index entry (`sla_clocks_started`), and its stop, warning and breach each rewrite the row.
 */
import { DatabaseSync } from "node:sqlite";
import { indexesOn, sqliteFiles } from "./object-rows.ts";

export interface EventLogRows {
  /** Event log objects (one per workspace) that held events. */
  objects: number;
  events: number;
  /** Events marked fanned out after they were stored. */
  marked: number;
  /** SLA clocks stored. */
  clocks: number;
  /** Their stops, warnings and breaches (each an update of the row). */
  clockUpdates: number;
  /** events × (1 + index entries) + marks + clocks × (1 + index entries) + their updates, each file's indexes read from it. */
  rowsWritten: number;
}

export function countEventLogRows(persistDir: string): EventLogRows {
  const counts: EventLogRows = { objects: 0, events: 0, marked: 0, clocks: 0, clockUpdates: 0, rowsWritten: 0 };
  for (const file of sqliteFiles(persistDir, "EventLogObject")) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS events, coalesce(sum(fanned_out_at > created_at), 0) AS marked FROM events").get() as
        | { events: number; marked: number }
        | undefined;
      if (!row || row.events === 0) continue;
      counts.objects += 1;
      counts.events += row.events;
      counts.marked += row.marked;
      counts.rowsWritten += row.events * (1 + indexesOn(db, "events")) + row.marked;
      const clocks = db
        .prepare(
          "SELECT count(*) AS clocks, coalesce(sum((stopped_at IS NOT NULL) + (warned_at IS NOT NULL) + (breached_at IS NOT NULL)), 0) AS updates FROM sla_clocks",
        )
        .get() as { clocks: number; updates: number } | undefined;
      counts.clocks += clocks?.clocks ?? 0;
      counts.clockUpdates += clocks?.updates ?? 0;
      counts.rowsWritten += (clocks?.clocks ?? 0) * (1 + indexesOn(db, "sla_clocks")) + (clocks?.updates ?? 0);
    } catch {
      // An object that never created its table holds no events.
    } finally {
      db.close();
    }
  }
  return counts;
}
