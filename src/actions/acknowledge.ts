/**
 * Answers an interaction the platform waits on (a Telegram button tap: the user's client
 * shows a spinner until the bot answers). Best effort and once per message: a failure is
 * logged and the message goes on, since the tap itself is recorded and routed regardless.
 */
import { lookUpChannel } from "../channel-cache.ts";
import { getAdapter } from "../channels/registry.ts";
import { readConfig } from "../env.ts";
import type { ChannelRef } from "../events/build.ts";
import { errorMessage } from "../lib/errors.ts";
import { secretBox } from "../secrets.ts";
import type { Db } from "../storage/db.ts";

export async function acknowledgeInteraction(
  env: Env,
  db: Db,
  target: { workspaceId: string; channel: ChannelRef; interactionId: string },
  now: number,
): Promise<void> {
  const { channel } = target;
  const adapter = getAdapter(channel.platform);
  if (!adapter?.acknowledge) return;
  try {
    const found = await lookUpChannel(db, () => secretBox(env), channel.id, now);
    if (found?.workspaceId !== target.workspaceId) return;
    const io = {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
      apiBase: readConfig(env).apiBase[channel.platform],
      now,
    };
    const result = await adapter.acknowledge(target.interactionId, found.credentials, io);
    if (!result.ok) {
      const error = result.kind === "refused" ? result.reason : result.error;
      console.warn(JSON.stringify({ msg: "answering an interaction failed", channelId: channel.id, platform: channel.platform, error }));
    }
  } catch (error) {
    console.warn(JSON.stringify({ msg: "answering an interaction failed", channelId: channel.id, error: errorMessage(error) }));
  }
}
