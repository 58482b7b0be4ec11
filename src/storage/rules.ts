/** Versioned rule sets: every PUT adds a version; the newest is in force. */
import { desc, eq } from "drizzle-orm";
import { TtlCache } from "../lib/ttl-cache.ts";
import { rulePatterns } from "../route/rule-patterns.ts";
import { DEFAULT_RULE_SET, type RuleSet, StoredRulesSchema } from "../route/rules.ts";
import type { Db } from "./db.ts";
import { ruleSets } from "./schema.ts";

export interface StoredRuleSet {
  /** 0 for the built-in defaults. */
  version: number;
  rules: RuleSet;
  updatedAt: number | null;
}

/** Rules are read for every message; a new version reaches other isolates within this time. */
const RULES_TTL_MS = 5_000;
const cache = new TtlCache<StoredRuleSet>(RULES_TTL_MS);

export function getRuleSet(db: Db, workspaceId: string): Promise<StoredRuleSet> {
  return cache.get(workspaceId, Date.now(), () => readRuleSet(db, workspaceId));
}

async function readRuleSet(db: Db, workspaceId: string): Promise<StoredRuleSet> {
  const row = await db.select().from(ruleSets).where(eq(ruleSets.workspaceId, workspaceId)).orderBy(desc(ruleSets.version)).limit(1).get();
  if (!row) return { version: 0, rules: DEFAULT_RULE_SET, updatedAt: null };
  const parsed = StoredRulesSchema.safeParse(JSON.parse(row.rules));
  if (!parsed.success) return { version: row.version, rules: DEFAULT_RULE_SET, updatedAt: row.createdAt };
  // A version saved before today's pattern checks: routing skips what they would refuse.
  const { problems } = rulePatterns(parsed.data);
  if (problems.length > 0) {
    const paths = problems.map((problem) => ({ path: problem.path.join("."), message: problem.message }));
    console.warn(JSON.stringify({ msg: "stored rules: patterns skipped", workspaceId, version: row.version, problems: paths }));
  }
  return { version: row.version, rules: parsed.data, updatedAt: row.createdAt };
}

/** Stores `rules` as the version after `previous`; a concurrent PUT that took it fails (primary key). */
export async function putRuleSet(db: Db, workspaceId: string, previous: number, rules: RuleSet, now: number): Promise<number> {
  const version = previous + 1;
  await db.insert(ruleSets).values({ workspaceId, version, rules: JSON.stringify(rules), createdAt: now });
  cache.forget(workspaceId);
  return version;
}
