/**
 * D1 and Durable Object SQLite bind at most 100 parameters a statement
 * (https://developers.cloudflare.com/d1/platform/limits/). An `IN (…)` list takes one per
 * item, so lists go in parts of this size, leaving room for the statement's other values.
 */
export const IDS_PER_STATEMENT = 90;

/** Splits a list so each statement stays under D1's limit of 100 bound parameters. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

/** Runs `query` over `ids` in parts of IDS_PER_STATEMENT, concurrently, and joins the rows. */
export async function selectInParts<T, R>(ids: readonly T[], query: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const parts = await Promise.all(chunk(ids, IDS_PER_STATEMENT).map(query));
  return parts.flat();
}
