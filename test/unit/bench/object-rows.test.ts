import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { countObjectRows } from "../../../bench/object-rows.ts";

const persistDir = mkdtempSync(join(tmpdir(), "object-rows-"));
afterAll(() => rmSync(persistDir, { recursive: true, force: true }));

function objectFile(className: string, name: string, sql: string): void {
  const dir = join(persistDir, "v3", "do", `switchboard-${className}`);
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(join(dir, `${name}.sqlite`));
  db.exec(sql);
  db.close();
}

describe("the conversation and endpoint objects' rows read from their files", () => {
  it("counts the messages and attempts with their index entries and rewrites; kv keys as a lower bound", () => {
    objectFile(
      "ConversationObject",
      "a",
      `CREATE TABLE messages (id TEXT PRIMARY KEY, direction TEXT, status TEXT);
       INSERT INTO messages VALUES ('1', 'inbound', 'received'), ('2', 'inbound', 'received'), ('3', 'outbound', 'sent'), ('4', 'outbound', 'pending');
       CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB);
       INSERT INTO _cf_KV VALUES ('state', x'00'), ('scope', x'00');`,
    );
    // An object that never admitted a message is not counted.
    objectFile(
      "ConversationObject",
      "b",
      "CREATE TABLE messages (id TEXT PRIMARY KEY, direction TEXT, status TEXT); CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB);",
    );
    // As attempt-log.ts keeps it: keyed without a rowid, and one index.
    objectFile(
      "EndpointLimiterObject",
      "e",
      `CREATE TABLE attempt_history (id TEXT NOT NULL, event_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (created_at, id)) WITHOUT ROWID;
       CREATE INDEX attempt_history_event ON attempt_history (event_id, created_at, id);
       INSERT INTO attempt_history VALUES ('a', 'e1', 1), ('b', 'e1', 2);`,
    );
    // A rowid table keyed by text writes its primary key's hidden autoindex too: counted.
    objectFile(
      "EndpointLimiterObject",
      "f",
      `CREATE TABLE attempt_history (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, created_at INTEGER NOT NULL);
       CREATE INDEX attempt_history_event ON attempt_history (event_id, created_at, id);
       INSERT INTO attempt_history VALUES ('c', 'e1', 1);`,
    );
    const rows = countObjectRows(persistDir);
    expect(rows.conversation).toEqual({
      objects: 1,
      inbound: 2,
      replies: 2,
      repliesSettled: 1,
      kvRows: 2,
      // node:sqlite writes no write-ahead log here: the kv writes are not counted.
      kvWrites: 0,
      alarmWrites: 0,
      walComplete: false,
      // inbound 2 × 2; replies 2 × 3 + 1 settled × 2
      tableRowsWritten: 4 + 6 + 2,
    });
    // 2 × (row + index entry) + 1 × (row + autoindex entry + index entry)
    expect(rows.endpoint).toEqual({ objects: 2, attempts: 3, rowsWritten: 4 + 3 });
  });

  it("counts the kv and alarm writes from the write-ahead log, one per transaction that wrote them", () => {
    const dir = join(persistDir, "wal", "switchboard-ConversationObject");
    mkdirSync(dir, { recursive: true });
    const db = new DatabaseSync(join(dir, "w.sqlite"));
    // As workerd keeps an object's SQLite: WAL mode, the log not checkpointed while open.
    db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0");
    db.exec("CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID");
    db.exec("CREATE TABLE _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)");
    db.exec("CREATE TABLE messages (id TEXT PRIMARY KEY, direction TEXT, status TEXT) WITHOUT ROWID");
    db.exec("INSERT INTO messages VALUES ('1', 'inbound', 'received')");
    for (let seq = 1; seq <= 3; seq++) db.exec(`INSERT OR REPLACE INTO _cf_KV VALUES ('state', x'0${seq}')`);
    db.exec("INSERT OR REPLACE INTO _cf_METADATA VALUES (1, 1000)");
    try {
      const rows = countObjectRows(join(persistDir, "wal"));
      expect(rows.conversation).toMatchObject({ objects: 1, kvRows: 1, kvWrites: 3, alarmWrites: 1, walComplete: true });
    } finally {
      db.close();
    }
  });
});
