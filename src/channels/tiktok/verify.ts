/**
 * TikTok Shop webhook signature: `Authorization` = lowercase hex HMAC-SHA256, key the app
 * secret (as ASCII), over the app key immediately followed by the raw body. The body's
 * `timestamp` (Unix seconds) is inside the signed bytes, so its age bounds replays.
 * @see https://partner.tiktokshop.com/docv2/page/tts-webhooks-overview
 * @see https://github.com/EcomPHP/tiktokshop-php/blob/master/src/Webhook.php
 */
import { concatBytes, fromHex, fromUtf8, utf8 } from "../../lib/encoding.ts";
import { checkFreshness } from "../../lib/freshness.ts";
import { verifyHmacSha256 } from "../../lib/hmac.ts";
import type { RawDelivery, Verdict } from "../types.ts";

export interface TikTokSigningKeys {
  appKey: string;
  appSecret: string;
}

export async function verifyTikTok(delivery: RawDelivery, keys: TikTokSigningKeys): Promise<Verdict> {
  const header = delivery.headers.get("authorization")?.trim();
  if (!header) return { kind: "reject", status: 401, reason: "missing Authorization header" };
  const signature = fromHex(header);
  if (!signature) return { kind: "reject", status: 401, reason: "Authorization is not hex" };

  const signed = concatBytes(utf8(keys.appKey), delivery.body);
  if (!(await verifyHmacSha256(keys.appSecret, signed, signature))) {
    return { kind: "reject", status: 401, reason: "signature mismatch" };
  }

  const signedAt = readSignedTimestamp(delivery.body);
  // A signed body without a readable timestamp is accepted and dead-lettered downstream
  // (CONTRACT.md: signed but unreadable → 200, kept as a dead letter).
  if (signedAt !== null) {
    const freshness = checkFreshness(signedAt * 1000, delivery.receivedAt);
    if (freshness !== "fresh") return { kind: "reject", status: 401, reason: `signed timestamp is ${freshness}` };
  }
  return { kind: "accept" };
}

function readSignedTimestamp(body: Uint8Array): number | null {
  try {
    const parsed: unknown = JSON.parse(fromUtf8(body));
    if (parsed && typeof parsed === "object" && "timestamp" in parsed) {
      const { timestamp } = parsed as { timestamp: unknown };
      return typeof timestamp === "number" && Number.isFinite(timestamp) ? timestamp : null;
    }
  } catch {
    // Unreadable but signed: see above.
  }
  return null;
}
