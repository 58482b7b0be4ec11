/** What the cron trigger runs: the stall sweep, the retention purge and the token round. Wired by src/index.ts's `scheduled`. */
import type { PurgeCounts } from "../storage/retention.ts";
import { purgeExpired } from "./purge.ts";
import { type RefreshCounts, refreshDueTokens } from "./refresh-tokens.ts";
import { resumeStalledDeliveries, type SweepCounts } from "./resume-stalled.ts";

export { purgeExpired } from "./purge.ts";
export { refreshDueTokens } from "./refresh-tokens.ts";
export { resumeStalledDeliveries } from "./resume-stalled.ts";

export async function runMaintenance(
  env: Pick<Env, "DB" | "DELIVERIES_QUEUE" | "CHANNEL_HEALTH">,
  now: number,
): Promise<{ resumed: SweepCounts; purged: PurgeCounts; tokens: RefreshCounts }> {
  // Independent jobs: one failing must not stop the others, so all run to the end before an error surfaces.
  const [resumed, purged, tokens] = await Promise.allSettled([
    resumeStalledDeliveries(env, now),
    purgeExpired(env, now),
    refreshDueTokens(env, now),
  ]);
  if (resumed.status === "rejected") throw resumed.reason;
  if (purged.status === "rejected") throw purged.reason;
  if (tokens.status === "rejected") throw tokens.reason;
  return { resumed: resumed.value, purged: purged.value, tokens: tokens.value };
}
