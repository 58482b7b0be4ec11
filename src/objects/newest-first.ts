/** One page of an object's table, newest first by (created_at, id), like every list of the API. */
import { encodeCursor, type Listed, type Page } from "../storage/pagination.ts";

/**
 * `filter`: one `column = ?` condition, or none. The table needs `created_at` and `id` columns
 * (and, for a quick page, an index on them).
 */
export function newestFirst<Stored extends Record<string, SqlStorageValue>, Row extends { createdAt: number; id: string }>(
  sql: SqlStorage,
  table: string,
  page: Page,
  filter: { column: string; value: SqlStorageValue } | undefined,
  fromStored: (row: Stored) => Row,
): Listed<Row> {
  const conditions: string[] = [];
  const params: SqlStorageValue[] = [];
  if (filter !== undefined) {
    conditions.push(`${filter.column} = ?`);
    params.push(filter.value);
  }
  if (page.cursor) {
    // As a row value, so the page starts at the cursor in the index rather than reading every newer row.
    conditions.push("(created_at, id) < (?, ?)");
    params.push(page.cursor.createdAt, page.cursor.id);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
  const rows = sql
    .exec<Stored>(`SELECT * FROM ${table} ${where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...params, page.limit + 1)
    .toArray()
    .map(fromStored);
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept.at(-1);
  return { data: kept, nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
}
