/** Versioned rule sets: every PUT adds a version; the newest is in force. */
import { desc, eq } from "drizzle-orm";
import { TtlCache } from "../lib/ttl-cache.ts";
import { DEFAULT_RULE_SET, type RuleSet, RuleSetSchema } from "../route/rules.ts";
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
  const parsed = RuleSetSchema.safeParse(JSON.parse(row.rules));
  return { version: row.version, rules: parsed.success ? parsed.data : DEFAULT_RULE_SET, updatedAt: row.createdAt };
}

/** Stores `rules` as the version after `previous`; a concurrent PUT that took it fails (primary key). */
export async function putRuleSet(db: Db, workspaceId: string, previous: number, rules: RuleSet, now: number): Promise<number> {
  const version = previous + 1;
  await db.insert(ruleSets).values({ workspaceId, version, rules: JSON.stringify(rules), createdAt: now });
  cache.forget(workspaceId);
  return version;
}
