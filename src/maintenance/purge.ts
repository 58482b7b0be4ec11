/** The scheduled purge: what is older than the retention period goes (settings.deliveries.retentionDays, default 30). */
import { DEFAULT_SETTINGS } from "../settings.ts";
import { openDb } from "../storage/db.ts";
import { type PurgeCounts, purgeOlderThanRetention } from "../storage/retention.ts";

/**
 * Delivery states and dead letters older than their workspace's retention (events: each
 * workspace's event log object purges its own),
 * and raw inbound blobs older than the default retention (they have no workspace).
 */
export async function purgeExpired(env: Pick<Env, "DB">, now: number): Promise<PurgeCounts> {
  const db = openDb(env.DB);
  const counts = await purgeOlderThanRetention(db, now, DEFAULT_SETTINGS.deliveries.retentionDays);
  console.log(JSON.stringify({ msg: "retention purge", ...counts }));
  return counts;
}
