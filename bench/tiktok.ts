/**
 * TikTok Shop customer-service webhooks as the platform sends them (type 14, a buyer's TEXT
 * message), signed the way the gateway verifies them: `Authorization` = lowercase hex
 * HMAC-SHA256 keyed with the app secret over the app key followed by the raw body, and a
 * fresh top-level `timestamp` (unix seconds) inside the signed bytes.
 */
import { createHmac } from "node:crypto";

/** Made-up app credentials for the benchmark's channel. */
export const BENCH_APP = {
  appKey: "6benchappkey01",
  appSecret: "b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2",
  accessToken: "ROW_bench_access_token",
  shopCipher: "ROW_bench_cipher",
} as const;

export const SHOP_ID = "7494001122334455667";

export function signTikTok(appKey: string, appSecret: string, body: string): string {
  return createHmac("sha256", appSecret).update(appKey).update(body).digest("hex");
}

/**
 * Unique 19-digit ids (TikTok's are 18–19 digits, above 2^53, sent as strings). A random run
 * prefix keeps ids of different runs apart; a counter keeps them unique within one.
 */
export function idSource(kind: number): () => string {
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
  let counter = 0;
  return () => {
    counter += 1;
    return `7${kind}${run}${String(counter).padStart(11, "0")}`;
  };
}

export interface DirectMessage {
  conversationId: string;
  messageId: string;
  imUserId: string;
  nickname: string;
  text: string;
}

export function dmBody(message: DirectMessage, notificationId: string, nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000);
  return JSON.stringify({
    type: 14,
    tts_notification_id: notificationId,
    shop_id: SHOP_ID,
    timestamp: seconds,
    data: {
      conversation_id: message.conversationId,
      message_id: message.messageId,
      type: "TEXT",
      content: JSON.stringify({ content: message.text }),
      create_time: seconds,
      sender: { im_user_id: message.imUserId, role: "BUYER", nickname: message.nickname },
    },
  });
}

/** Body and headers of one signed delivery, with a fresh timestamp. */
export function signedDelivery(
  message: DirectMessage,
  notificationId: string,
  nowMs: number,
): { body: string; headers: Record<string, string> } {
  const body = dmBody(message, notificationId, nowMs);
  return {
    body,
    headers: { "content-type": "application/json", authorization: signTikTok(BENCH_APP.appKey, BENCH_APP.appSecret, body) },
  };
}
