/**
 * X webhook security: the `x-twitter-webhooks-signature` on every POST and the CRC
 * (challenge-response check) GET. Both are `sha256=` + Base64 HMAC-SHA256 keyed with the
 * app's consumer secret: of the raw body, and of the `crc_token` respectively.
 * @see https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
 * @see https://docs.x.com/x-api/webhooks/quickstart
 */
import { fromBase64, toBase64, utf8 } from "../../lib/encoding.ts";
import { hmacSha256, verifyHmacSha256 } from "../../lib/hmac.ts";
import type { RawDelivery, Verdict } from "../types.ts";

const SIGNATURE_HEADER = "x-twitter-webhooks-signature";
const PREFIX = "sha256=";

const OPEN_BRACE = 0x7b;

/**
 * POST: the header must be the HMAC of the exact body bytes. X signs no timestamp.
 * Every delivery from X is a JSON object; a body that does not begin with `{` is refused
 * (400) whatever its signature, because the CRC answer signs any other string for anyone.
 */
export async function verifyXSignature(delivery: RawDelivery, consumerSecret: string): Promise<Verdict> {
  if (delivery.body[0] !== OPEN_BRACE) return { kind: "reject", status: 400, reason: "body does not begin with {" };
  if (!consumerSecret) return { kind: "reject", status: 401, reason: "channel has no consumer secret" };
  const header = delivery.headers.get(SIGNATURE_HEADER)?.trim();
  if (!header) return { kind: "reject", status: 401, reason: `missing ${SIGNATURE_HEADER}` };
  const signature = header.startsWith(PREFIX) ? fromBase64(header.slice(PREFIX.length)) : null;
  if (!signature) return { kind: "reject", status: 401, reason: `${SIGNATURE_HEADER} is not sha256=<base64>` };
  const ok = await verifyHmacSha256(consumerSecret, delivery.body, signature);
  return ok ? { kind: "accept" } : { kind: "reject", status: 401, reason: "signature mismatch" };
}

/**
 * GET ?crc_token=… → 200 `{"response_token":"sha256=<base64 HMAC of the token>"}`. X sends
 * it at registration and then about hourly; a failed answer marks the webhook invalid.
 *
 * The answer is exactly the signature X would put on a POST whose body is the token, so
 * answering any token would let anyone mint signed deliveries. A token that could be a JSON
 * object or array (a `{` or `[` anywhere) is refused: X's random tokens never contain one,
 * and a POST of any other string is refused before it is enqueued (verifyXSignature).
 */
export async function answerCrc(delivery: RawDelivery, consumerSecret: string): Promise<Verdict> {
  const token = delivery.url.searchParams.get("crc_token");
  if (!token) return { kind: "reject", status: 403, reason: "GET without crc_token" };
  if (/[{[]/.test(token)) return { kind: "reject", status: 403, reason: "crc_token shaped like a JSON body" };
  if (!consumerSecret) return { kind: "reject", status: 403, reason: "channel has no consumer secret" };
  const mac = await hmacSha256(consumerSecret, utf8(token));
  const body = JSON.stringify({ response_token: `${PREFIX}${toBase64(mac)}` });
  return { kind: "handshake", response: new Response(body, { status: 200, headers: { "content-type": "application/json" } }) };
}
