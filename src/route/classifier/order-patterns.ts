/**
 * A workspace's own order-number patterns (e.g. `SO-(\d{6})` for its storefront's numbers).
 * They are checked when the workspace saves them, so a bad one is reported to its author with
 * a reason; `classify` only ever skips a bad pattern, it never throws on one. They run on the
 * linear-time engine (`../regex.ts`), like every workspace pattern.
 */
import { compilePattern } from "../regex.ts";
import type { ClassifyOptions, OrderPattern } from "./types.ts";

export const MAX_ORDER_PATTERNS = 20;
export const MAX_ORDER_PATTERN_LENGTH = 300;

export type OrderPatternErrorCode = "too_many" | "too_long" | "invalid_syntax" | "wrong_group_count" | "matches_empty";

export interface OrderPatternError {
  /** Position of the pattern in the list given (-1 for the list itself). */
  index: number;
  code: OrderPatternErrorCode;
  message: string;
}

export type CompileOrderPatternsResult = { ok: true; patterns: OrderPattern[] } | { ok: false; errors: OrderPatternError[] };

/**
 * Checks and compiles patterns: each an RE2 source with exactly one capture group (the id),
 * matched case-insensitively. Every problem is reported, not only the first.
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
  const compiled = compilePattern(source);
  if (!compiled.ok) return fail("invalid_syntax", compiled.message);
  const groups = compiled.regex.groupCount();
  if (groups !== 1) return fail("wrong_group_count", `needs exactly one capture group (the order id), found ${groups}`);
  if (compiled.regex.matcher("").find()) return fail("matches_empty", "matches an empty text, so it would find ids everywhere");
  return { ok: true, pattern: { source, regex: compiled.regex, size: compiled.size } };
}

/**
 * The usable patterns among `options.orderPatterns`; sources compile once per isolate
 * (`compilePattern`'s cache). Invalid sources are left out and named in `signals` by position.
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
    const compiled = compileOrderPattern(entry, index);
    if (compiled.ok) usable.push(compiled.pattern);
    else signals.push(`order_pattern_invalid:${index}`);
  });
  return usable;
}
