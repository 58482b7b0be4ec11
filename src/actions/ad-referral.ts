/**
 * A customer came back into a known thread from an ad (Messenger's `referral` event): the
 * conversation keeps the referral, and its object re-arms the reply-window warning for the
 * longer window. A thread the gateway has never seen has nothing to record: its first
 * message carries its own referral, if any.
 */
import type { AdReferralItem } from "../channels/types.ts";
import type { ChannelRef } from "../events/build.ts";
import { derivedId } from "../lib/ids.ts";
import { conversationStub } from "../objects/conversation.ts";
import type { Db } from "../storage/db.ts";
import { markAdReferral } from "../storage/inbox.ts";

/** Records the referral; it announces nothing. */
export async function recordAdReferral(env: Env, db: Db, item: AdReferralItem, channel: ChannelRef): Promise<void> {
  const conversationId = await derivedId("cv", channel.id, item.platformThreadId);
  // Only a newer referral changes anything: a redelivery updates no row and wakes no object.
  if (await markAdReferral(db, conversationId, item.at, item.adId)) {
    await conversationStub(env, channel.id, item.platformThreadId).onAdReferral(item.at);
  }
}
