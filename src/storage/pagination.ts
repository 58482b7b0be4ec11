/**
 * Keyset pagination for every list: newest first by (createdAt, id). The cursor is opaque
 * to clients (base64url of the last row's key), and a malformed one is a 400, not a crash.
 */
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { fromBase64, fromUtf8, toBase64Url, utf8 } from "../lib/encoding.ts";
import { ApiError } from "../lib/errors.ts";

export interface Page {
  limit: number;
  /** `tie`: a list ordered by one more key between the time and the id (messages: the platform's index). */
  cursor: { createdAt: number; id: string; tie?: string } | null;
}

export interface Listed<T> {
  data: T[];
  nextCursor: string | null;
}

export function encodeCursor(createdAt: number, id: string, tie?: string): string {
  return toBase64Url(utf8(tie ? `${createdAt}:${tie}:${id}` : `${createdAt}:${id}`));
}

export function decodeCursor(cursor: string): Page["cursor"] {
  const bytes = fromBase64(cursor);
  const match = bytes ? /^(\d{1,16}):(?:(\d{1,32}):)?([a-z]{1,5}_[0-9a-z]{1,40})$/.exec(fromUtf8(bytes)) : null;
  if (!match?.[1] || !match[3]) throw new ApiError("bad_request", "cursor is malformed; pass back a nextCursor you were given");
  return match[2] ? { createdAt: Number(match[1]), id: match[3], tie: match[2] } : { createdAt: Number(match[1]), id: match[3] };
}

/** `WHERE` fragment that starts after the cursor, and the `ORDER BY` that goes with it. */
export function pageQuery(page: Page, createdAt: SQLiteColumn, id: SQLiteColumn): { after: SQL | undefined; order: SQL[] } {
  const after = page.cursor
    ? or(lt(createdAt, page.cursor.createdAt), and(eq(createdAt, page.cursor.createdAt), lt(id, page.cursor.id)))
    : undefined;
  return { after, order: [desc(createdAt), desc(id)] };
}

/** Rows are fetched with `limit + 1` so that the extra row tells whether a next page exists. */
export function toListed<R extends { createdAt: number; id: string }, T>(rows: R[], page: Page, map: (row: R) => T): Listed<T> {
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept.at(-1);
  return { data: kept.map(map), nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
}
