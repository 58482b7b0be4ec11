/**
 * A conversation's de-duplication ledger, in its object's own SQLite: every platform message
 * id the conversation ever admitted, with its position and whether its routing finished
 * acting. No time window: a platform's redelivery days later, or after the object restarted,
 * is still a duplicate, and the check costs no round trip (the table lives beside the code).
 * Its writes join the object's implicit transaction, so admitting a message and saving the
 * state that counts it commit together.
 */
import type { SeenMessage } from "./conversation-state.ts";

export class SeenLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS seen (
        platform_message_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        finished INTEGER NOT NULL DEFAULT 0,
        admitted_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
    );
  }

  find(platformMessageId: string): SeenMessage | null {
    const row = this.sql
      .exec<{ seq: number; finished: number }>("SELECT seq, finished FROM seen WHERE platform_message_id = ?", platformMessageId)
      .toArray()[0];
    return row ? { seq: row.seq, finished: row.finished === 1 } : null;
  }

  admit(platformMessageId: string, seq: number, now: number): void {
    this.sql.exec("INSERT INTO seen (platform_message_id, seq, admitted_at) VALUES (?, ?, ?)", platformMessageId, seq, now);
  }

  /** Its routing has finished acting (or had nothing to do): from now on it is a duplicate. */
  finish(platformMessageId: string): void {
    this.sql.exec("UPDATE seen SET finished = 1 WHERE platform_message_id = ?", platformMessageId);
  }
}
