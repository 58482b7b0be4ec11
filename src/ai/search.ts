/**
 * Knowledge search without an external service: BM25 over a workspace's entries (at most a
 * few hundred, read whole for each question). Text is folded so a buyer's spelling matches
 * the merchant's: lowercase, Latin diacritics dropped (Vietnamese with or without marks),
 * đ → d. Thai is written without spaces between words, so Thai runs are indexed as
 * character bigrams, which match without a dictionary. Pure.
 */
import { foldText } from "../route/classifier/normalize.ts";

/** BM25's usual constants: term-frequency saturation and length normalization. */
const K1 = 1.2;
const B = 0.75;

export interface KnowledgeDoc {
  id: string;
  title: string;
  text: string;
  language: string | null;
}

export interface SearchHit {
  id: string;
  title: string;
  text: string;
  score: number;
}

// Folded as the classifier folds: lowercase, Latin combining marks dropped (Thai marks are letters' parts and stay), đ → d.
export { foldText };

const THAI = /[\u0e00-\u0e7f]/;
/** A word of letters or digits, or a run of Thai. */
const WORD = /[\u0e00-\u0e7f]+|[\p{L}\p{N}]+/gu;

/** The terms of a text: folded words, Thai runs as overlapping character bigrams. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of foldText(text).matchAll(WORD)) {
    if (THAI.test(word)) {
      const chars = [...word];
      if (chars.length === 1) terms.push(word);
      for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i] + (chars[i + 1] as string));
    } else if (word.length > 1 || /\d/.test(word)) {
      // One-letter Latin words ("a", "i") carry nothing but noise.
      terms.push(word);
    }
  }
  return terms;
}

/**
 * The `limit` entries most relevant to `query`, best first; entries sharing no term with it
 * are never returned. The title counts twice: it names what the entry is about.
 */
export function searchKnowledge(docs: readonly KnowledgeDoc[], query: string, limit = 3): SearchHit[] {
  const queryTerms = [...new Set(tokenize(query))];
  if (queryTerms.length === 0 || docs.length === 0) return [];
  const indexed = docs.map((doc) => {
    const terms = [...tokenize(doc.title), ...tokenize(doc.title), ...tokenize(doc.text)];
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return { doc, counts, length: terms.length };
  });
  const averageLength = indexed.reduce((sum, d) => sum + d.length, 0) / indexed.length || 1;
  const documentFrequency = new Map<string, number>();
  for (const term of queryTerms) documentFrequency.set(term, indexed.filter((d) => d.counts.has(term)).length);

  const hits: SearchHit[] = [];
  for (const { doc, counts, length } of indexed) {
    let score = 0;
    for (const term of queryTerms) {
      const tf = counts.get(term) ?? 0;
      if (tf === 0) continue;
      const df = documentFrequency.get(term) ?? 0;
      // BM25+'s idf floor keeps a term found in every entry from counting against it.
      const idf = Math.log(1 + (indexed.length - df + 0.5) / (df + 0.5));
      score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / averageLength));
    }
    if (score > 0) hits.push({ id: doc.id, title: doc.title, text: doc.text, score });
  }
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit);
}
