/**
 * Counts what the workspaces' event log objects (src/objects/event-log.ts) wrote, read from
 * their SQLite files in the run's --persist-to directory once wrangler has stopped (Node's
 * own SQLite, read only). Durable Object storage bills every row written, index entries
 * included: an event is its row and two index entries, and a mark after it was stored
 * rewrites the row (an event stored already marked, with nothing to attempt, has
 * `fanned_out_at` equal to `created_at`; one marked in the same millisecond is missed).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Index entries per stored event: `events_newest` and `events_type` (the primary key is the table). */
const INDEX_ENTRIES_PER_EVENT = 2;

export interface EventLogRows {
  /** Event log objects (one per workspace) that held events. */
  objects: number;
  events: number;
  /** Events marked fanned out after they were stored. */
  marked: number;
  /** events × (1 + index entries) + marks. */
  rowsWritten: number;
}

function sqliteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqliteFiles(path);
    return entry.name.endsWith(".sqlite") && dir.includes("EventLogObject") ? [path] : [];
  });
}

export function countEventLogRows(persistDir: string): EventLogRows {
  const counts: EventLogRows = { objects: 0, events: 0, marked: 0, rowsWritten: 0 };
  for (const file of sqliteFiles(persistDir)) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS events, coalesce(sum(fanned_out_at > created_at), 0) AS marked FROM events").get() as
        | { events: number; marked: number }
        | undefined;
      if (!row || row.events === 0) continue;
      counts.objects += 1;
      counts.events += row.events;
      counts.marked += row.marked;
    } catch {
      // An object that never created its table holds no events.
    } finally {
      db.close();
    }
  }
  counts.rowsWritten = counts.events * (1 + INDEX_ENTRIES_PER_EVENT) + counts.marked;
  return counts;
}
