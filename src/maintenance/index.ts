/** What the cron trigger runs: the stall sweep and the retention purge. Wired by src/index.ts's `scheduled`. */
import type { PurgeCounts } from "../storage/retention.ts";
import { purgeExpired } from "./purge.ts";
import { resumeStalledDeliveries, type SweepCounts } from "./resume-stalled.ts";

export { purgeExpired } from "./purge.ts";
export { resumeStalledDeliveries } from "./resume-stalled.ts";

export async function runMaintenance(
  env: Pick<Env, "DB" | "DELIVERIES_QUEUE">,
  now: number,
): Promise<{ resumed: SweepCounts; purged: PurgeCounts }> {
  // Independent jobs: one failing must not stop the other, so both run to the end before an error surfaces.
  const [resumed, purged] = await Promise.allSettled([resumeStalledDeliveries(env, now), purgeExpired(env, now)]);
  if (resumed.status === "rejected") throw resumed.reason;
  if (purged.status === "rejected") throw purged.reason;
  return { resumed: resumed.value, purged: purged.value };
}
