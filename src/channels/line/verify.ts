/**
 * LINE webhook signature: `x-line-signature` = standard Base64 of HMAC-SHA256 over the raw
 * body, keyed with the channel secret's characters as-is (it looks like hex but is not decoded).
 * Nothing else is signed, so there is no timestamp to bound replays: a replayed body repeats a
 * `webhookEventId` and is de-duplicated downstream instead.
 * @see https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature/
 */
import { fromBase64 } from "../../lib/encoding.ts";
import { verifyHmacSha256 } from "../../lib/hmac.ts";
import type { RawDelivery, Verdict } from "../types.ts";

export async function verifyLine(delivery: RawDelivery, channelSecret: string | undefined): Promise<Verdict> {
  if (!channelSecret) return { kind: "reject", status: 401, reason: "channel has no channel secret" };
  const header = delivery.headers.get("x-line-signature")?.trim();
  if (!header) return { kind: "reject", status: 401, reason: "missing x-line-signature" };
  const signature = fromBase64(header);
  if (!signature) return { kind: "reject", status: 401, reason: "x-line-signature is not Base64" };
  // Constant-time comparison, after a length check, as LINE's own SDK does.
  const ok = await verifyHmacSha256(channelSecret, delivery.body, signature);
  return ok ? { kind: "accept" } : { kind: "reject", status: 401, reason: "signature mismatch" };
}
