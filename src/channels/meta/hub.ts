/**
 * What Meta's webhooks share (WhatsApp, Messenger, Instagram): the `hub.*` GET handshake and
 * the `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body with the App Secret.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
import { fromHex } from "../../lib/encoding.ts";
import { timingSafeEqualText, verifyHmacSha256 } from "../../lib/hmac.ts";
import type { RawDelivery, Verdict } from "../types.ts";

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → the challenge, as text. */
export async function answerHubChallenge(delivery: RawDelivery, verifyToken: string | undefined): Promise<Verdict> {
  const params = delivery.url.searchParams;
  const challenge = params.get("hub.challenge");
  const token = params.get("hub.verify_token");
  if (params.get("hub.mode") !== "subscribe" || challenge === null || token === null) {
    return { kind: "reject", status: 403, reason: "not a hub.mode=subscribe request" };
  }
  if (!verifyToken || !(await timingSafeEqualText(token, verifyToken))) {
    return { kind: "reject", status: 403, reason: "hub.verify_token does not match" };
  }
  return { kind: "handshake", response: new Response(challenge, { status: 200, headers: { "content-type": "text/plain" } }) };
}

/** Checks `X-Hub-Signature-256` (the legacy SHA-1 `X-Hub-Signature` is ignored). */
export async function verifyHubSignature(delivery: RawDelivery, appSecret: string | undefined): Promise<Verdict> {
  if (!appSecret) return { kind: "reject", status: 401, reason: "channel has no app secret" };
  const header = delivery.headers.get("x-hub-signature-256")?.trim();
  if (!header) return { kind: "reject", status: 401, reason: "missing X-Hub-Signature-256" };
  const signature = header.startsWith("sha256=") ? fromHex(header.slice(7)) : null;
  if (!signature) return { kind: "reject", status: 401, reason: "X-Hub-Signature-256 is not sha256=<hex>" };
  const ok = await verifyHmacSha256(appSecret, delivery.body, signature);
  return ok ? { kind: "accept" } : { kind: "reject", status: 401, reason: "signature mismatch" };
}
