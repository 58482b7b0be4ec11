// Signing for tests with node:crypto: an implementation independent of src/lib/hmac.ts.
import { createHmac } from "node:crypto";

export function signTikTok(appKey: string, appSecret: string, body: string): string {
  return createHmac("sha256", appSecret).update(appKey).update(body).digest("hex");
}

/** The fixture with its signed `timestamp` moved to `nowSeconds` (fixtures date from 2024). */
export function withTimestamp(body: string, nowSeconds: number): string {
  return body.replace(/^(\s*"timestamp":\s*)\d+/m, `$1${nowSeconds}`);
}

/** Rewrites the platform ids that make a message unique, so one fixture can be many messages. */
export function withMessageId(body: string, messageId: string, conversationId?: string): string {
  let out = body.replace(/"message_id":\s*"\d+"/, `"message_id": "${messageId}"`);
  out = out.replace(/"tts_notification_id":\s*"\d+"/, `"tts_notification_id": "n${messageId}"`);
  if (conversationId) out = out.replace(/"conversation_id":\s*"\d+"/, `"conversation_id": "${conversationId}"`);
  return out;
}
