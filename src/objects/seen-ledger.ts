/**
 * A conversation's de-duplication ledger, in its object's own SQLite: every platform message
 * id the conversation ever admitted, with its position and whether its routing finished
 * acting. No time window: a platform's redelivery days later, or after the object restarted,
 * is still a duplicate, and the check costs no round trip (the table lives beside the code).
 * Its writes join the object's implicit transaction, so admitting a message and saving the
 * state that counts it commit together. A row is written once: whether the message finished is
 * the state's (`unfinishedMessageIds`), whose write ends acting anyway; rows admitted before
 * that carry `finished` 0 or 1 themselves.
 */
import type { SeenMessage } from "./conversation-state.ts";

/** The `finished` of a row whose finish the conversation's state records (see SeenMessage). */
const FINISH_IN_STATE = 2;

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
    if (!row) return null;
    return { seq: row.seq, finished: row.finished === FINISH_IN_STATE ? null : row.finished === 1 };
  }

  /** Admitted with its finish left to the state, which the same transaction writes. */
  admit(platformMessageId: string, seq: number, now: number): void {
    this.sql.exec(
      "INSERT INTO seen (platform_message_id, seq, finished, admitted_at) VALUES (?, ?, ?, ?)",
      platformMessageId,
      seq,
      FINISH_IN_STATE,
      now,
    );
  }

  /**
   * Its routing has finished acting: only a row admitted before the state recorded finishes
   * needs it (a re-run of one across the upgrade); any other row is left unwritten.
   */
  finishAdmittedBeforeState(platformMessageId: string): void {
    this.sql.exec("UPDATE seen SET finished = 1 WHERE platform_message_id = ? AND finished = 0", platformMessageId);
  }
}
