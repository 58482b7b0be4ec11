/**
 * Zalo OA webhook signature: `X-ZEvent-Signature: mac=<hex>`, the plain SHA-256 (not an HMAC)
 * of the body's `app_id` + the raw body + the body's `timestamp` + the OA Secret Key, with no
 * separators. The timestamp (epoch ms) is inside the hash, so its age bounds replays.
 * @see https://developers.zalo.me/docs/official-account/webhook/tong-quan
 * @see https://github.com/chatwoot/chatwoot/blob/develop/app/jobs/webhooks/zalo_events_job.rb
 */
import { concatBytes, fromUtf8, toHex, utf8 } from "../../lib/encoding.ts";
import { checkFreshness } from "../../lib/freshness.ts";
import { sha256, timingSafeEqualText } from "../../lib/hmac.ts";
import { tryParseJson } from "../../lib/json.ts";
import type { RawDelivery, Verdict } from "../types.ts";

export interface ZaloSigningKeys {
  appId: string;
  oaSecretKey: string;
}

/**
 * A few community implementations read the timestamp from this header instead of the body.
 * The body field is authoritative (Chatwoot, the blog recipe, the shared vectors); the header
 * is tried only as a second candidate, so either convention verifies.
 */
const TIMESTAMP_HEADER = "x-zevent-timestamp";

/**
 * The signature covers the body's own `app_id` and `timestamp`, so the body is parsed before
 * anything is verified: its size bounds what an unauthenticated caller can make us parse
 * (the lossless parser takes ~70 ms of CPU for 0.5 MB). Zalo sends one event per request,
 * about 1 KB (ids, a timestamp, one message whose attachments are URLs); 64 KiB holds even a
 * text of 10,000 characters each escaped as `\uXXXX`, and parses in a few milliseconds.
 * Intake answers 413 beyond it (the adapter's maxBodyBytes), before reading further.
 */
export const MAX_ZALO_BODY_BYTES = 64 * 1024;

export async function verifyZalo(delivery: RawDelivery, keys: ZaloSigningKeys): Promise<Verdict> {
  if (!keys.oaSecretKey) return reject("channel has no OA secret key");
  if (delivery.body.byteLength > MAX_ZALO_BODY_BYTES) return reject(`body over ${MAX_ZALO_BODY_BYTES} bytes is not a Zalo event`);
  const header = delivery.headers.get("x-zevent-signature")?.trim();
  if (!header) return reject("missing X-ZEvent-Signature");
  const signature = readSignature(header);
  if (!signature) return reject("X-ZEvent-Signature is not mac=<hex SHA-256>");

  const fields = readSignedFields(delivery.body);
  const headerTimestamp = delivery.headers.get(TIMESTAMP_HEADER)?.trim() || null;
  const candidates = [...new Set([fields.timestamp, headerTimestamp].filter((t): t is string => t !== null))];
  if (fields.appId === null || candidates.length === 0) return reject("body lacks the app_id or timestamp the signature covers");

  let signedTimestamp: string | null = null;
  for (const timestamp of candidates) {
    const expected = await expectedSignature(fields.appId, delivery.body, timestamp, keys.oaSecretKey);
    if (await timingSafeEqualText(expected, signature)) {
      signedTimestamp = timestamp;
      break;
    }
  }
  if (signedTimestamp === null) return reject("signature mismatch");

  // The hash uses the body's own app_id: without this check a body signed for another app
  // linked to the same OA (same OA secret) would pass.
  if (fields.appId !== keys.appId) return reject("app_id is not this channel's app");

  // A signed but non-numeric timestamp is accepted and dead-lettered downstream
  // (CONTRACT.md: signed but unreadable → 200, kept as a dead letter).
  if (/^\d{1,16}$/.test(signedTimestamp)) {
    const freshness = checkFreshness(Number(signedTimestamp), delivery.receivedAt);
    if (freshness !== "fresh") return reject(`signed timestamp is ${freshness}`);
  }
  return { kind: "accept" };
}

async function expectedSignature(appId: string, body: Uint8Array<ArrayBuffer>, timestamp: string, oaSecretKey: string): Promise<string> {
  // Raw bytes, never a re-encoded string: the body carries Vietnamese text as UTF-8.
  return toHex(await sha256(concatBytes(utf8(appId), body, utf8(timestamp), utf8(oaSecretKey))));
}

/** Lowercase hex of the 32-byte digest; the `mac=` prefix is optional (some senders strip it). */
function readSignature(header: string): string | null {
  const hex = header.replace(/^mac=/i, "");
  return /^[0-9a-fA-F]{64}$/.test(hex) ? hex.toLowerCase() : null;
}

/** The top-level `app_id` and `timestamp` exactly as written (digits, whether string or number). */
function readSignedFields(body: Uint8Array): { appId: string | null; timestamp: string | null } {
  const parsed = tryParseJson(fromUtf8(body));
  if (!parsed.ok || !parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
    return { appId: null, timestamp: null };
  }
  const { app_id: appId, timestamp } = parsed.value as Record<string, unknown>;
  return { appId: literal(appId), timestamp: literal(timestamp) };
}

function literal(value: unknown): string | null {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return null;
}

function reject(reason: string): Verdict {
  return { kind: "reject", status: 401, reason };
}
