/**
 * A rule set's regular expressions, compiled together: each `textMatches` and order pattern on
 * the linear-time engine, within one budget for the whole set. `PUT /v1/rules` refuses every
 * problem this finds, and routing skips the same patterns, so the two never disagree; a stored
 * set that predates a check loses only its bad patterns.
 */
import { compileOrderPattern } from "./classifier/order-patterns.ts";
import type { OrderPattern } from "./classifier/types.ts";
import { compilePattern, type LinearRegex } from "./regex.ts";

/**
 * The sum of RE2 program sizes a rule set's patterns may reach. Matching costs at most about
 * (program size × characters) steps, so this bounds a message's worst case: 0.1–0.2 s of CPU
 * for a 2,000-character text on the 2-core dev machine (test/unit/route/rule-patterns.test.ts),
 * for a contract of one second. `\bvip\b` is 7 instructions, a 30-word alternation about 200.
 */
export const PATTERN_BUDGET = 3000;

export interface PatternProblem {
  /** Where the pattern is in the rule set: `["rules", 3, "when", "textMatches"]`, `["orderPatterns", 0]`. */
  path: (string | number)[];
  message: string;
}

export interface RulePatterns {
  /** Per rule, by position: its compiled `textMatches`, null when it has none or it is skipped. */
  textMatches: (LinearRegex | null)[];
  orderPatterns: OrderPattern[];
  problems: PatternProblem[];
}

interface PatternSources {
  rules: readonly { when: { textMatches?: string | undefined } }[];
  orderPatterns: readonly string[];
}

const compiledSets = new WeakMap<PatternSources, RulePatterns>();

/** Compiles once per rule set object (rule sets are themselves cached per isolate). */
export function rulePatterns(set: PatternSources): RulePatterns {
  let compiled = compiledSets.get(set);
  if (!compiled) {
    compiled = compileRulePatterns(set);
    compiledSets.set(set, compiled);
  }
  return compiled;
}

function compileRulePatterns(set: PatternSources): RulePatterns {
  const result: RulePatterns = { textMatches: [], orderPatterns: [], problems: [] };
  let spent = 0;
  /** Whether a pattern of this size still fits; one that does not is skipped, and the rest may fit. */
  const afford = (path: (string | number)[], size: number): boolean => {
    if (spent + size <= PATTERN_BUDGET) {
      spent += size;
      return true;
    }
    const message = `the rule set's patterns together may be at most ${PATTERN_BUDGET} RE2 instructions; this one (${size}) brings them to ${spent + size}`;
    result.problems.push({ path, message });
    return false;
  };

  set.rules.forEach((rule, i) => {
    const source = rule.when.textMatches;
    result.textMatches.push(null);
    if (source === undefined) return;
    const path = ["rules", i, "when", "textMatches"];
    const compiled = compilePattern(source);
    if (!compiled.ok) result.problems.push({ path, message: compiled.message });
    else if (afford(path, compiled.size)) result.textMatches[i] = compiled.regex;
  });
  set.orderPatterns.forEach((source, i) => {
    const path = ["orderPatterns", i];
    const compiled = compileOrderPattern(source, i);
    if (!compiled.ok) result.problems.push({ path, message: compiled.error.message });
    else if (afford(path, compiled.pattern.size)) result.orderPatterns.push(compiled.pattern);
  });
  return result;
}
