/**
 * Counts what the conversation objects (message-log.ts, their `ctx.storage.kv`)
 * and the endpoint objects (attempt-log.ts) wrote, read from their SQLite files in the run's
 * --persist-to directory once wrangler has stopped (Node's own SQLite, read only), as
 * event-log-rows.ts does for the event log. Storage bills every row written, index entries
 * included, and every rewrite of a row again. What the files show is the final rows; the
 * rewrites are inferred from what each row's final state says happened to it:
 *
 * - `messages` (an inbound one is also the conversation's de-duplication, and its finish is in
 *   the kv state): the row and its `messages_listed` entry; a reply (outbound) also entered the
 *   partial outbox index while pending, and was rewritten when settled (leaving the index): +3;
 *   a reply still pending counts its 3 only;
 * - `attempt_history`: the row and its index entries, as many as the file declares indexes
 *   on it (see `indexesOn`; one, its primary key being the table) (pruned attempts are
 *   missed: a lower bound on a run longer than the attempt retention);
 * - `_cf_KV` (the conversation's state and scope, written with `kv.put`) keeps only each key's
 *   last value (the final rows: a lower bound), while every put rewrites its row. So its writes
 *   are read from the object's write-ahead log instead: workerd keeps each object's SQLite in
 *   WAL mode and, at these sizes, never restarts the log (its checkpoint sequence stays 0), so
 *   the `-wal` file holds every committed transaction with the pages it wrote. A transaction
 *   that wrote the kv table's root page (the state's first bytes, `nextSeq` among them, live
 *   there) is counted as one kv row write, and one that wrote `_cf_METADATA`'s (the alarm) as one
 *   alarm write; the transactions creating the tables (an empty page) are left out. Still a
 *   lower bound: two puts in one transaction count once, and a put that changed only the
 *   value's overflow pages is missed. When a log was restarted, only the final rows are
 *   counted (`walComplete` false) and the cost model keeps its upper bound.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface ConversationObjectRows {
  /** Conversation objects that hold a message. */
  objects: number;
  inbound: number;
  replies: number;
  repliesSettled: number;
  /** Final `_cf_KV` rows: a lower bound of the kv writes. */
  kvRows: number;
  /** Transactions that wrote the kv table, read from the write-ahead logs (see above). */
  kvWrites: number;
  /** Transactions that wrote the alarm (`_cf_METADATA`). */
  alarmWrites: number;
  /** Every object's write-ahead log held all its transactions (never restarted). */
  walComplete: boolean;
  /** The SQL tables' rows written, index entries and inferred rewrites included (kv apart). */
  tableRowsWritten: number;
}

export interface EndpointObjectRows {
  objects: number;
  attempts: number;
  /** attempts × (row + its index entries, read from the file: `attempt_history_event`; the key is the table). */
  rowsWritten: number;
}

export interface ObjectRows {
  conversation: ConversationObjectRows;
  endpoint: EndpointObjectRows;
}

/** The SQLite files of every object of `className` under `dir` (miniflare keeps them in `<script>-<className>/`). */
export function sqliteFiles(dir: string, className: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqliteFiles(path, className);
    return entry.name.endsWith(".sqlite") && dir.endsWith(`-${className}`) ? [path] : [];
  });
}

/**
 * The indexes every row of `table` writes an entry in, as the file declares them: a rowid
 * table's `TEXT PRIMARY KEY` keeps a hidden `sqlite_autoindex_*` that `sqlite_master` lists
 * too, while a `WITHOUT ROWID` table's primary key is the table itself and is not listed.
 * For tables without partial indexes (a partial one takes only the rows it matches).
 */
export function indexesOn(db: DatabaseSync, table: string): number {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").get(table) as { n: number };
  return row.n;
}

/** The transactions in `file`'s write-ahead log that wrote each of `rootPages` with cells in it; null when the log was restarted. */
function walWrites(file: string, rootPages: number[]): Map<number, number> | null {
  let wal: Buffer;
  try {
    wal = readFileSync(`${file}-wal`);
  } catch {
    return null;
  }
  if (wal.length < 32 || wal.readUInt32BE(12) !== 0) return null;
  const pageSize = wal.readUInt32BE(8);
  const salts = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const writes = new Map(rootPages.map((page) => [page, 0]));
  let inTransaction = new Set<number>();
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    // Frames of an older generation of the log carry other salts: the log ends here.
    if (wal.readUInt32BE(offset + 8) !== salts[0] || wal.readUInt32BE(offset + 12) !== salts[1]) break;
    const page = wal.readUInt32BE(offset);
    // A b-tree page's cell count is at bytes 3–4 of its header: 0 is the empty table just created.
    if (writes.has(page) && wal.readUInt16BE(offset + 24 + 3) > 0) inTransaction.add(page);
    // A commit frame names the database's size after it.
    if (wal.readUInt32BE(offset + 4) !== 0) {
      for (const written of inTransaction) writes.set(written, (writes.get(written) ?? 0) + 1);
      inTransaction = new Set();
    }
  }
  return writes;
}

/** One row of `sql`, or undefined when the object never created the table it reads. */
function readRow<T>(file: string, sql: string): T | undefined {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).get() as T | undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** A message's rows: inbound, the row and its list entry; a reply, also the outbox entry, then the settling rewrite that drops it. */
const ROWS_PER_INBOUND = 2;
const ROWS_PER_PENDING_REPLY = 3;
const ROWS_PER_SETTLING = 2;

export function countConversationObjectRows(persistDir: string): ConversationObjectRows {
  const counts: ConversationObjectRows = {
    objects: 0,
    inbound: 0,
    replies: 0,
    repliesSettled: 0,
    kvRows: 0,
    kvWrites: 0,
    alarmWrites: 0,
    walComplete: true,
    tableRowsWritten: 0,
  };
  for (const file of sqliteFiles(persistDir, "ConversationObject")) {
    const messages = readRow<{ inbound: number; replies: number; settled: number }>(
      file,
      "SELECT coalesce(sum(direction = 'inbound'), 0) AS inbound, coalesce(sum(direction = 'outbound'), 0) AS replies, coalesce(sum(direction = 'outbound' AND status <> 'pending'), 0) AS settled FROM messages",
    );
    if (!messages || messages.inbound + messages.replies === 0) continue;
    counts.objects += 1;
    counts.inbound += messages.inbound;
    counts.replies += messages.replies;
    counts.repliesSettled += messages.settled;
    counts.kvRows += readRow<{ n: number }>(file, "SELECT count(*) AS n FROM _cf_KV")?.n ?? 0;
    const kvRoot = readRow<{ page: number }>(file, "SELECT rootpage AS page FROM sqlite_master WHERE name = '_cf_KV'")?.page ?? 0;
    const alarmRoot = readRow<{ page: number }>(file, "SELECT rootpage AS page FROM sqlite_master WHERE name = '_cf_METADATA'")?.page ?? 0;
    const logged = walWrites(file, [kvRoot, alarmRoot]);
    if (!logged) counts.walComplete = false;
    counts.kvWrites += logged?.get(kvRoot) ?? 0;
    counts.alarmWrites += logged?.get(alarmRoot) ?? 0;
  }
  counts.tableRowsWritten =
    counts.inbound * ROWS_PER_INBOUND + counts.replies * ROWS_PER_PENDING_REPLY + counts.repliesSettled * ROWS_PER_SETTLING;
  return counts;
}

export function countEndpointObjectRows(persistDir: string): EndpointObjectRows {
  const counts: EndpointObjectRows = { objects: 0, attempts: 0, rowsWritten: 0 };
  for (const file of sqliteFiles(persistDir, "EndpointLimiterObject")) {
    const attempts = readRow<{ n: number; indexes: number }>(
      file,
      "SELECT count(*) AS n, (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attempt_history') AS indexes FROM attempt_history",
    );
    if (!attempts || attempts.n === 0) continue;
    counts.objects += 1;
    counts.attempts += attempts.n;
    counts.rowsWritten += attempts.n * (1 + attempts.indexes);
  }
  return counts;
}

export function countObjectRows(persistDir: string): ObjectRows {
  return { conversation: countConversationObjectRows(persistDir), endpoint: countEndpointObjectRows(persistDir) };
}
