/**
 * The cron's token round: channels whose access token expires within the hour are renewed
 * now, so a quiet channel's first reply after a night does not wait for (or fail on) an
 * expired token. Each goes through the channel's own object, like a reply's refresh.
 */
import { REFRESH_AHEAD_MS } from "../channels/health.ts";
import { errorMessage } from "../lib/errors.ts";
import { channelHealthStub } from "../objects/channel-health.ts";
import { listChannelsDueForRefresh } from "../storage/channels.ts";
import { openDb } from "../storage/db.ts";

/** A bound per run: the cron comes back every 10 minutes, well inside the hour ahead. */
export const REFRESHES_PER_RUN = 50;

export interface RefreshCounts {
  due: number;
  failed: number;
}

export async function refreshDueTokens(env: Pick<Env, "DB" | "CHANNEL_HEALTH">, now: number): Promise<RefreshCounts> {
  const due = await listChannelsDueForRefresh(openDb(env.DB), now + REFRESH_AHEAD_MS, REFRESHES_PER_RUN);
  const results = await Promise.allSettled(due.map((id) => channelHealthStub(env as Env, id).credentials(id)));
  let failed = 0;
  results.forEach((result, index) => {
    const error = result.status === "rejected" ? errorMessage(result.reason) : result.value.ok ? null : result.value.reason;
    if (error === null) return;
    failed += 1;
    console.warn(JSON.stringify({ msg: "token refresh failed", channelId: due[index], error }));
  });
  return { due: due.length, failed };
}
