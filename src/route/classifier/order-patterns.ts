/**
 * A workspace's own order-number patterns (e.g. `SO-(\d{6})` for its storefront's numbers).
 * They are checked when the workspace saves them, so a bad one is reported to its author with
 * a reason; `classify` only ever skips a bad pattern, it never throws on one.
 */
import type { ClassifyOptions, OrderPattern } from "./types.ts";

export const MAX_ORDER_PATTERNS = 20;
export const MAX_ORDER_PATTERN_LENGTH = 200;

export type OrderPatternErrorCode =
  | "too_many"
  | "too_long"
  | "invalid_syntax"
  | "wrong_group_count"
  | "matches_empty"
  | "nested_quantifier";

export interface OrderPatternError {
  /** Position of the pattern in the list given (-1 for the list itself). */
  index: number;
  code: OrderPatternErrorCode;
  message: string;
}

export type CompileOrderPatternsResult = { ok: true; patterns: OrderPattern[] } | { ok: false; errors: OrderPatternError[] };

/**
 * `(a+)+` and `(\d*)*` can take exponential time on a long digit run. A heuristic, not a proof:
 * patterns run on a few hundred characters per message, which bounds the rest.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

/**
 * Checks and compiles patterns: each a regex source with exactly one capture group (the id),
 * matched case-insensitively with the `u` flag. Every problem is reported, not only the first.
 */
export function compileOrderPatterns(sources: readonly string[]): CompileOrderPatternsResult {
  if (sources.length > MAX_ORDER_PATTERNS) {
    return { ok: false, errors: [{ index: -1, code: "too_many", message: `at most ${MAX_ORDER_PATTERNS} order patterns` }] };
  }
  const patterns: OrderPattern[] = [];
  const errors: OrderPatternError[] = [];
  sources.forEach((source, index) => {
    const result = compileOrderPattern(source, index);
    if (result.ok) patterns.push(result.pattern);
    else errors.push(result.error);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, patterns };
}

export function compileOrderPattern(
  source: string,
  index = 0,
): { ok: true; pattern: OrderPattern } | { ok: false; error: OrderPatternError } {
  const fail = (code: OrderPatternErrorCode, message: string) => ({ ok: false as const, error: { index, code, message } });
  if (source.length === 0 || source.length > MAX_ORDER_PATTERN_LENGTH) {
    return fail("too_long", `a pattern is 1 to ${MAX_ORDER_PATTERN_LENGTH} characters`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, "giu");
  } catch (error) {
    return fail("invalid_syntax", error instanceof SyntaxError ? error.message : "not a regular expression");
  }
  // An alternation with the empty string matches "", so exec counts the groups without input.
  const groups = (new RegExp(`${source}|`, "u").exec("")?.length ?? 1) - 1;
  if (groups !== 1) return fail("wrong_group_count", `needs exactly one capture group (the order id), found ${groups}`);
  if (new RegExp(source, "u").test("")) return fail("matches_empty", "matches an empty text, so it would find ids everywhere");
  if (NESTED_QUANTIFIER.test(source)) return fail("nested_quantifier", "a repeated group that itself repeats can run for minutes");
  return { ok: true, pattern: { source, regex } };
}

const CACHE_LIMIT = 512;
const cache = new Map<string, OrderPattern | null>();

/**
 * The usable patterns among `options.orderPatterns`, compiling sources once per isolate.
 * Invalid sources are left out and named in `signals` by position.
 */
export function resolveOrderPatterns(options: ClassifyOptions | undefined, signals: string[]): OrderPattern[] {
  const given = options?.orderPatterns;
  if (!given || given.length === 0) return [];
  const usable: OrderPattern[] = [];
  given.slice(0, MAX_ORDER_PATTERNS).forEach((entry, index) => {
    if (typeof entry !== "string") {
      usable.push(entry);
      return;
    }
    let pattern = cache.get(entry);
    if (pattern === undefined) {
      const compiled = compileOrderPattern(entry, index);
      pattern = compiled.ok ? compiled.pattern : null;
      // Workspaces come and go; a bounded cache cannot grow with them.
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(entry, pattern);
    }
    if (pattern) usable.push(pattern);
    else signals.push(`order_pattern_invalid:${index}`);
  });
  return usable;
}
