/**
 * A rule set's regular expressions, compiled together: each `textMatches` and order pattern on
 * the linear-time engine, within one budget for the whole set. `PUT /v1/rules` refuses every
 * problem this finds, and routing skips the same patterns, so the two never disagree; a stored
 * set that predates a check loses only its bad patterns.
 */
import { compileOrderPattern } from "./classifier/order-patterns.ts";
import type { OrderPattern } from "./classifier/types.ts";
import { compilePattern, compilePatternSet } from "./regex.ts";

/**
 * The sum of RE2 program sizes a rule set's patterns may reach. Matching costs at most about
 * (program size × characters) steps, so this bounds a message's worst case: about 0.1 s of CPU
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
  /** The rules, by position, whose `textMatches` matches the text; a skipped pattern never does. */
  matchingRules: (text: string) => ReadonlySet<number>;
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
  const problems: PatternProblem[] = [];
  const orderPatterns: OrderPattern[] = [];
  let spent = 0;
  /** Whether a pattern of this size still fits; one that does not is skipped, and the rest may fit. */
  const afford = (path: (string | number)[], size: number): boolean => {
    if (spent + size <= PATTERN_BUDGET) {
      spent += size;
      return true;
    }
    const message = `the rule set's patterns together may be at most ${PATTERN_BUDGET} RE2 instructions; this one (${size}) brings them to ${spent + size}`;
    problems.push({ path, message });
    return false;
  };

  const textRules: number[] = [];
  const textSources: string[] = [];
  set.rules.forEach((rule, i) => {
    const source = rule.when.textMatches;
    if (source === undefined) return;
    const path = ["rules", i, "when", "textMatches"];
    const compiled = compilePattern(source);
    if (!compiled.ok) problems.push({ path, message: compiled.message });
    else if (afford(path, compiled.size)) {
      textRules.push(i);
      textSources.push(source);
    }
  });
  set.orderPatterns.forEach((source, i) => {
    const path = ["orderPatterns", i];
    const compiled = compileOrderPattern(source, i);
    if (!compiled.ok) problems.push({ path, message: compiled.error.message });
    else if (afford(path, compiled.pattern.size)) orderPatterns.push(compiled.pattern);
  });

  const matchText = textSources.length > 0 ? compilePatternSet(textSources) : null;
  const matchingRules = (text: string): ReadonlySet<number> =>
    new Set(matchText ? matchText(text).map((index) => textRules[index] as number) : []);
  return { matchingRules, orderPatterns, problems };
}
