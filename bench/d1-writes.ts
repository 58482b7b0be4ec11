/**
 * Counts D1 rows written, by table and operation, with SQLite triggers installed in the
 * benchmark's own temporary database before wrangler starts (never in the project's
 * .wrangler state). An upsert that updates fires the UPDATE trigger, `ON CONFLICT DO NOTHING`
 * fires none: the same rows D1 bills as written, before index writes (see indexes below).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { d1Execute } from "./dev-server.ts";

const COUNTER = "bench_row_writes";

const SYSTEM_TABLES = "name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' AND name <> 'd1_migrations'";

/**
 * SQLite refuses triggers on a virtual table (FTS5) and on its shadow tables, so a full-text
 * index is counted apart: one row per document it holds (`<name>_content`) and one index
 * entry for it. FTS5 writes a document's terms into segment blobs (`<name>_data`) that it
 * merges as it goes, so this is a lower bound of what D1 bills for it.
 */
const FTS_SHADOWS = ["data", "idx", "content", "docsize", "config"];

export interface TableInfo {
  name: string;
  /** Explicit (CREATE INDEX) indexes; D1 adds a row written per index an insert or delete touches. */
  indexes: number;
  /** A full-text (virtual) table, counted from its shadow tables. */
  fullText?: boolean;
}

export async function listTables(root: string, config: string, persistDir: string): Promise<TableInfo[]> {
  const [tables = [], indexes = []] = await d1Execute(root, config, persistDir, {
    command: `SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' AS virtual FROM sqlite_master WHERE type = 'table' AND ${SYSTEM_TABLES} AND name <> '${COUNTER}' ORDER BY name; SELECT tbl_name AS name, count(*) AS n FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL GROUP BY tbl_name;`,
  });
  const indexCount = new Map(indexes.map((row) => [String(row.name), Number(row.n)]));
  const fullText = new Set(tables.filter((row) => Number(row.virtual) === 1).map((row) => String(row.name)));
  const shadows = new Set([...fullText].flatMap((name) => FTS_SHADOWS.map((suffix) => `${name}_${suffix}`)));
  return tables
    .filter((row) => !shadows.has(String(row.name)))
    .map((row) => {
      const name = String(row.name);
      return fullText.has(name) ? { name, indexes: 1, fullText: true } : { name, indexes: indexCount.get(name) ?? 0 };
    });
}

export async function installWriteCounters(root: string, config: string, persistDir: string): Promise<TableInfo[]> {
  const tables = await listTables(root, config, persistDir);
  const sql: string[] = [
    `CREATE TABLE ${COUNTER} (tbl TEXT NOT NULL, op TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tbl, op));`,
  ];
  for (const { name } of tables.filter((table) => !table.fullText)) {
    for (const op of ["INSERT", "UPDATE", "DELETE"]) {
      const lower = op.toLowerCase();
      sql.push(`INSERT INTO ${COUNTER} (tbl, op, n) VALUES ('${name}', '${lower}', 0);`);
      sql.push(
        `CREATE TRIGGER bench_count_${name}_${lower} AFTER ${op} ON "${name}" FOR EACH ROW BEGIN UPDATE ${COUNTER} SET n = n + 1 WHERE tbl = '${name}' AND op = '${lower}'; END;`,
      );
    }
  }
  const file = join(persistDir, "bench-write-counters.sql");
  writeFileSync(file, `${sql.join("\n")}\n`);
  await d1Execute(root, config, persistDir, { file });
  return tables;
}

export interface WriteCounts {
  /** Rows written per table and operation. */
  byTable: Record<string, { insert: number; update: number; delete: number; rows: number }>;
}

/**
 * Reads the counters and the row counts. Works while wrangler dev runs (D1's local SQLite is
 * in WAL mode, so a reader does not block it) and after it stopped.
 */
export async function readWriteCounts(root: string, config: string, persistDir: string, tables: TableInfo[]): Promise<WriteCounts> {
  const [counters = []] = await d1Execute(root, config, persistDir, { command: `SELECT tbl, op, n FROM ${COUNTER} ORDER BY tbl, op;` });
  const byTable: WriteCounts["byTable"] = {};
  const fullText = tables.filter((table) => table.fullText).map((table) => table.name);
  if (fullText.length > 0) {
    const [documents = []] = await d1Execute(root, config, persistDir, {
      command: `SELECT ${fullText.map((name) => `(SELECT count(*) FROM "${name}_content") AS "${name}"`).join(", ")};`,
    });
    const row = documents[0] ?? {};
    for (const name of fullText) {
      const indexed = Number(row[name] ?? 0);
      byTable[name] = { insert: indexed, update: 0, delete: 0, rows: indexed };
    }
  }
  for (const row of counters) {
    const table = String(row.tbl);
    byTable[table] ??= { insert: 0, update: 0, delete: 0, rows: 0 };
    const entry = byTable[table];
    const op = String(row.op) as "insert" | "update" | "delete";
    if (entry) entry[op] = Number(row.n);
  }
  const names = Object.keys(byTable).filter((name) => !fullText.includes(name));
  if (names.length > 0) {
    const [counts = []] = await d1Execute(root, config, persistDir, {
      command: `SELECT ${names.map((name) => `(SELECT count(*) FROM "${name}") AS "${name}"`).join(", ")};`,
    });
    const row = counts[0] ?? {};
    for (const name of names) {
      const entry = byTable[name];
      if (entry) entry.rows = Number(row[name] ?? 0);
    }
  }
  return { byTable };
}

/** What was written between two readings. */
export function writesBetween(before: WriteCounts, after: WriteCounts): WriteCounts {
  const byTable: WriteCounts["byTable"] = {};
  for (const [table, a] of Object.entries(after.byTable)) {
    const b = before.byTable[table] ?? { insert: 0, update: 0, delete: 0, rows: 0 };
    byTable[table] = { insert: a.insert - b.insert, update: a.update - b.update, delete: a.delete - b.delete, rows: a.rows };
  }
  return { byTable };
}
