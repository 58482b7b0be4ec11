/**
 * Per-isolate cache of what the pipeline needs to know about a channel (its workspace,
 * platform and opened credentials): intake reads it on every webhook, routing and replies
 * on every message, so none of them reads D1 and decrypts each time. A change to a channel
 * reaches other isolates within CACHE_TTL_MS; the isolate that made it forgets at once.
 */
import { getAdapter } from "./channels/registry.ts";
import type { Credentials } from "./channels/types.ts";
import type { ChannelStatus, Platform } from "./events/schema.ts";
import { LookupCache } from "./lib/lookup-cache.ts";
import { type SecretBox, sealedAt } from "./lib/secret-box.ts";
import { getChannelById } from "./storage/channels.ts";
import type { Db } from "./storage/db.ts";

export interface IntakeChannel {
  id: string;
  workspaceId: string;
  platform: Platform;
  credentials: Credentials;
  /** Health (channels/health.ts): a reply on a disconnected channel is refused; a token due for refresh is renewed first. */
  status: ChannelStatus;
  statusReason: string | null;
  tokenExpiresAt: number | null;
}

export const CACHE_TTL_MS = 30_000;

/**
 * Known channels and unknown ids are cached apart (lib/lookup-cache.ts), so requests to
 * random channel ids cannot push real channels out. Unknown ids are remembered for 5 s, so
 * junk traffic does not reach D1 each time.
 */
export const channelCache = new LookupCache<IntakeChannel>({ ttlMs: CACHE_TTL_MS, missTtlMs: 5_000, maxFound: 10_000, maxMissing: 1_000 });

export function lookUpChannel(db: Db, box: () => Promise<SecretBox>, id: string, now: number): Promise<IntakeChannel | null> {
  return channelCache.get(id, now, async () => {
    const row = await getChannelById(db, id);
    if (!row || !getAdapter(row.platform)) return null;
    const credentials = JSON.parse(await (await box()).open(row.credentialsSealed, sealedAt.channelCredentials(row.id))) as Credentials;
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      platform: row.platform as Platform,
      credentials,
      status: row.status as ChannelStatus,
      statusReason: row.statusReason,
      tokenExpiresAt: row.tokenExpiresAt,
    };
  });
}

/** Called when this isolate changes or deletes a channel. */
export function forgetChannel(id: string): void {
  channelCache.forget(id);
}
