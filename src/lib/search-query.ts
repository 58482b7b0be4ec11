/**
 * A search box's text as an FTS5 query on the trigram index (migrations/0010_search.sql):
 * one phrase, so it matches as a substring wherever it occurs, spaces or none (Thai).
 * Case and Vietnamese diacritics are folded by the tokenizer; đ is not a diacritic to
 * Unicode, so it is replaced here as the index's triggers replace it.
 */

/** Trigrams: a shorter text matches nothing in the index. */
export const MIN_QUERY_CHARS = 3;
export const MAX_QUERY_CHARS = 200;

export function normalizeQuery(q: string): string {
  return q.trim().replace(/\s+/g, " ").replace(/[đĐ]/g, "d");
}

/** The FTS5 MATCH argument: a quoted phrase (quotes inside doubled, so nothing in it is syntax). */
export function searchPhrase(q: string): string {
  return `"${normalizeQuery(q).replaceAll('"', '""')}"`;
}
