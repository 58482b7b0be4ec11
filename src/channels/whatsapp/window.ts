/**
 * WhatsApp's customer service window: free-form messages are accepted for 24 hours after the
 * customer's last message, and each message restarts it; after it, only an approved template.
 * `send.ts` refuses by this function and the API shows it, so the two never disagree.
 * @see https://developers.facebook.com/docs/whatsapp/conversation-types#customer-service-window
 */
import { type ReplyWindow, type WindowFacts, windowAfterLastInbound } from "../types.ts";

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600 * 1000;

export function whatsappReplyWindow(facts: WindowFacts): ReplyWindow {
  return windowAfterLastInbound(facts.lastInboundAt, CUSTOMER_SERVICE_WINDOW_MS, "whatsapp_customer_service_24h");
}
