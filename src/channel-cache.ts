/**
 * Per-isolate cache of what the pipeline needs to know about a channel (its workspace,
 * platform and opened credentials): intake reads it on every webhook, routing and replies
 * on every message, so none of them reads D1 and decrypts each time. A change to a channel
 * reaches other isolates within CACHE_TTL_MS; the isolate that made it forgets at once.
 */
import { getAdapter } from "./channels/registry.ts";
import type { Credentials } from "./channels/types.ts";
import type { Platform } from "./events/schema.ts";
import type { SecretBox } from "./lib/secret-box.ts";
import { getChannelById } from "./storage/channels.ts";
import type { Db } from "./storage/db.ts";

export interface IntakeChannel {
  id: string;
  workspaceId: string;
  platform: Platform;
  credentials: Credentials;
}

export const CACHE_TTL_MS = 30_000;
/** Unknown ids are remembered briefly too, so junk traffic does not reach D1 each time. */
const MISS_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

const cache = new Map<string, { expiresAt: number; channel: IntakeChannel | null }>();

export async function lookUpChannel(db: Db, box: () => Promise<SecretBox>, id: string, now: number): Promise<IntakeChannel | null> {
  const hit = cache.get(id);
  if (hit && hit.expiresAt > now) return hit.channel;

  const row = await getChannelById(db, id);
  let channel: IntakeChannel | null = null;
  if (row && getAdapter(row.platform)) {
    const credentials = JSON.parse(await (await box()).open(row.credentialsSealed)) as Credentials;
    channel = { id: row.id, workspaceId: row.workspaceId, platform: row.platform as Platform, credentials };
  }
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(id, { expiresAt: now + (channel ? CACHE_TTL_MS : MISS_TTL_MS), channel });
  return channel;
}

/** Called when this isolate changes or deletes a channel. */
export function forgetChannel(id: string): void {
  cache.delete(id);
}
