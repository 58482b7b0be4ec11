/**
 * Zalo's consultation window: consultation messages are free within 48 hours of the user's
 * last message (the "reply" quota); later ones draw on the OA's paid quota, which the gateway
 * never spends on its own (platforms/zalo.md §5; UNCONFIRMED, see NOTES.md). `send.ts` refuses
 * by this function and the API shows it, so the two never disagree.
 * @see https://developers.zalo.me/docs/official-account/tin-nhan/tin-tu-van/gui-tin-tu-van
 */
import { type ReplyWindow, type WindowFacts, windowAfterLastInbound } from "../types.ts";

export const CONSULTATION_WINDOW_MS = 48 * 3600 * 1000;

export function zaloReplyWindow(facts: WindowFacts): ReplyWindow {
  return windowAfterLastInbound(facts.lastInboundAt, CONSULTATION_WINDOW_MS, "zalo_consultation_48h");
}
