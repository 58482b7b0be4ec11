/**
 * WhatsApp's edge checks, both shared with Messenger and Instagram (src/channels/meta/hub.ts):
 * the `hub.*` GET handshake with the verify token, and `X-Hub-Signature-256` = `sha256=` + hex
 * HMAC-SHA256 of the raw body keyed with the App Secret. Meta signs the body as sent, with
 * non-ASCII written as `\uXXXX` escapes, so only the received bytes verify; nothing is re-serialised.
 * No timestamp is signed and retries come for days, so there is no freshness check.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
 */
import { answerHubChallenge, verifyHubSignature } from "../meta/hub.ts";
import type { RawDelivery, Verdict } from "../types.ts";

export function verifyWhatsApp(delivery: RawDelivery, credentials: { appSecret: string }): Promise<Verdict> {
  return verifyHubSignature(delivery, credentials.appSecret);
}

export function answerWhatsAppHandshake(delivery: RawDelivery, credentials: { verifyToken: string }): Promise<Verdict> {
  return answerHubChallenge(delivery, credentials.verifyToken);
}
