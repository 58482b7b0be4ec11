/**
 * The Messenger Platform's standard messaging window, for Messenger and Instagram: a normal
 * reply is accepted for 24 hours after the customer's last message. A Messenger conversation
 * that began from a click-to-Messenger ad (the webhook's `referral` with `source: "ADS"`) may
 * be answered for 7 days after that referral (the statement of Meta's policy; the
 * start of the 7 days is UNCONFIRMED, see NOTES.md). The HUMAN_AGENT tag's 7 days are not a
 * normal reply and stay in `send.ts`. `send.ts` refuses by this function and the API shows it.
 * @see https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#standard_messaging
 * @see https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
 */
import { type ReplyWindow, type WindowFacts, windowAfterLastInbound } from "../types.ts";

const HOUR_MS = 3600 * 1000;
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
export const AD_REFERRAL_WINDOW_MS = 7 * 24 * HOUR_MS;

export function metaReplyWindow(facts: WindowFacts, platform: "messenger" | "instagram"): ReplyWindow {
  const standard = windowAfterLastInbound(facts.lastInboundAt, STANDARD_WINDOW_MS, `${platform}_standard_24h`);
  // Only Messenger has click-to-Messenger ads' longer window; the later of the two closes.
  const adReferralAt = facts.adReferralAt ?? null;
  if (platform !== "messenger" || adReferralAt === null || facts.lastInboundAt === null) return standard;
  const adCloses = adReferralAt + AD_REFERRAL_WINDOW_MS;
  return standard.closesAt !== null && adCloses > standard.closesAt ? { closesAt: adCloses, rule: "messenger_ad_referral_7d" } : standard;
}
