/**
 * Workspaces' regular expressions (`textMatches`, `orderPatterns`) run on RE2 (re2js, pure
 * JavaScript): time linear in the text whatever the pattern, where a backtracking engine can
 * take minutes on `(a+)+$`. RE2 has no backreferences or lookaround, so patterns using them do
 * not compile. Validation and routing both compile through `compilePattern`, so they agree.
 */
import { RE2JS, RE2Set } from "re2js";

export type LinearRegex = RE2JS;

/**
 * Patterns see this much of a message, as the classifier does: it bounds a message's cost at
 * (characters × program size), and every platform's DM point is in its start.
 */
export const MAX_MATCHED_LENGTH = 2000;

export type CompiledPattern = { ok: true; regex: LinearRegex; size: number } | { ok: false; message: string };

const CACHE_LIMIT = 512;
const cache = new Map<string, CompiledPattern>();
/** Each set's DFA may keep this much memory between messages (re2js's default is 8 MB). */
const SET_DFA_BYTES = 256 * 1024;
const SET_CACHE_LIMIT = 64;
const sets = new Map<string, (text: string) => number[]>();

/**
 * `source` in RE2 syntax, matched case-insensitively on Unicode code points (what `new
 * RegExp(source, "iu")` did, less backreferences, lookaround and `\u` escapes). Never throws.
 * `size` is RE2's program size, which a message's matching time is proportional to.
 */
export function compilePattern(source: string): CompiledPattern {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    compiled = compileUncached(source);
    // Workspaces come and go; a bounded cache cannot grow with them.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(source, compiled);
  }
  return compiled;
}

function compileUncached(source: string): CompiledPattern {
  try {
    const regex = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    return { ok: true, regex, size: regex.programSize() };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : "not a regular expression";
    return { ok: false, message: `not a regular expression RE2 runs in linear time (no backreferences or lookaround): ${reason}` };
  }
}

/**
 * Whether the pattern matches anywhere in the first MAX_MATCHED_LENGTH characters. Not
 * `regex.test`: its lazy DFA keeps up to 8 MB of states per pattern between messages and, on
 * texts that make a new state at every character, took 2 s and 230 MB for 100 patterns of 30
 * instructions; the matcher's NFA took 67 ms and no memory.
 */
export function testPattern(regex: LinearRegex, text: string): boolean {
  return regex.matcher(text.slice(0, MAX_MATCHED_LENGTH)).find();
}

/**
 * Which of `sources` (each one `compilePattern` accepted) match the first MAX_MATCHED_LENGTH
 * characters, by position: one pass for them all (RE2Set: one DFA with capped memory, the NFA
 * when it thrashes). Ten everyday patterns cost 6 µs a message this way, 300 µs one by one.
 */
export function compilePatternSet(sources: readonly string[]): (text: string) => number[] {
  const key = sources.join("\u0000");
  let match = sets.get(key);
  if (match === undefined) {
    match = compileSet(sources);
    if (sets.size >= SET_CACHE_LIMIT) sets.clear();
    sets.set(key, match);
  }
  return match;
}

function compileSet(sources: readonly string[]): (text: string) => number[] {
  try {
    const set = new RE2Set(RE2Set.UNANCHORED, RE2JS.CASE_INSENSITIVE, SET_DFA_BYTES);
    for (const source of sources) set.add(source);
    set.compile();
    return (text) => set.match(text.slice(0, MAX_MATCHED_LENGTH));
  } catch {
    // Not expected for patterns that compile one by one; if it happens, match them one by one.
    const regexes = sources.map((source) => compilePattern(source));
    return (text) => regexes.flatMap((compiled, i) => (compiled.ok && testPattern(compiled.regex, text) ? [i] : []));
  }
}
