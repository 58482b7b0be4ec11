/**
 * Counts what the conversation objects (seen-ledger.ts, message-log.ts, their `ctx.storage.kv`)
 * and the endpoint objects (attempt-log.ts) wrote, read from their SQLite files in the run's
 * --persist-to directory once wrangler has stopped (Node's own SQLite, read only), as
 * event-log-rows.ts does for the event log. Storage bills every row written, index entries
 * included, and every rewrite of a row again. What the files show is the final rows; the
 * rewrites are inferred from what each row's final state says happened to it:
 *
 * - `seen`: inserted, then rewritten once when finished (`finished = 1`): 2 rows;
 * - `messages`: the row and its `messages_listed` entry; a reply (outbound) also entered the
 *   partial outbox index while pending, and was rewritten when settled (leaving the index): +3;
 *   a reply still pending counts its 3 only;
 * - `attempts`: the row and its two index entries (pruned attempts are missed: a lower bound
 *   on a run longer than the attempt retention);
 * - `_cf_KV` (the conversation's state and scope, written with `kv.put`): only the final keys
 *   can be counted, one row each, while every put rewrites its row. That figure is a lower
 *   bound; the cost model keeps the assumed upper bound for the kv writes beside it.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface ConversationObjectRows {
  /** Conversation objects that admitted a message. */
  objects: number;
  seen: number;
  seenFinished: number;
  inbound: number;
  replies: number;
  repliesSettled: number;
  /** Final `_cf_KV` rows: a lower bound of the kv writes. */
  kvRows: number;
  /** The SQL tables' rows written, index entries and inferred rewrites included (kv apart). */
  tableRowsWritten: number;
}

export interface EndpointObjectRows {
  objects: number;
  attempts: number;
  /** attempts × (row + 2 index entries). */
  rowsWritten: number;
}

export interface ObjectRows {
  conversation: ConversationObjectRows;
  endpoint: EndpointObjectRows;
}

function sqliteFiles(dir: string, className: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqliteFiles(path, className);
    return entry.name.endsWith(".sqlite") && dir.endsWith(`-${className}`) ? [path] : [];
  });
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
/** `attempts_newest` and `attempts_event`. */
const INDEX_ENTRIES_PER_ATTEMPT = 2;

export function countConversationObjectRows(persistDir: string): ConversationObjectRows {
  const counts: ConversationObjectRows = {
    objects: 0,
    seen: 0,
    seenFinished: 0,
    inbound: 0,
    replies: 0,
    repliesSettled: 0,
    kvRows: 0,
    tableRowsWritten: 0,
  };
  for (const file of sqliteFiles(persistDir, "ConversationObject")) {
    const seen = readRow<{ seen: number; finished: number }>(
      file,
      "SELECT count(*) AS seen, coalesce(sum(finished), 0) AS finished FROM seen",
    );
    if (!seen || seen.seen === 0) continue;
    counts.objects += 1;
    counts.seen += seen.seen;
    counts.seenFinished += seen.finished;
    const messages = readRow<{ inbound: number; replies: number; settled: number }>(
      file,
      "SELECT coalesce(sum(direction = 'inbound'), 0) AS inbound, coalesce(sum(direction = 'outbound'), 0) AS replies, coalesce(sum(direction = 'outbound' AND status <> 'pending'), 0) AS settled FROM messages",
    );
    counts.inbound += messages?.inbound ?? 0;
    counts.replies += messages?.replies ?? 0;
    counts.repliesSettled += messages?.settled ?? 0;
    counts.kvRows += readRow<{ n: number }>(file, "SELECT count(*) AS n FROM _cf_KV")?.n ?? 0;
  }
  counts.tableRowsWritten =
    counts.seen +
    counts.seenFinished +
    counts.inbound * ROWS_PER_INBOUND +
    counts.replies * ROWS_PER_PENDING_REPLY +
    counts.repliesSettled * ROWS_PER_SETTLING;
  return counts;
}

export function countEndpointObjectRows(persistDir: string): EndpointObjectRows {
  const counts: EndpointObjectRows = { objects: 0, attempts: 0, rowsWritten: 0 };
  for (const file of sqliteFiles(persistDir, "EndpointLimiterObject")) {
    const attempts = readRow<{ n: number }>(file, "SELECT count(*) AS n FROM attempts")?.n ?? 0;
    if (attempts === 0) continue;
    counts.objects += 1;
    counts.attempts += attempts;
  }
  counts.rowsWritten = counts.attempts * (1 + INDEX_ENTRIES_PER_ATTEMPT);
  return counts;
}

export function countObjectRows(persistDir: string): ObjectRows {
  return { conversation: countConversationObjectRows(persistDir), endpoint: countEndpointObjectRows(persistDir) };
}
