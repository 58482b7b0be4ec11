/**
 * The `X-Line-Retry-Key` of a push: the same send, retried after a timeout or a 5xx, carries the
 * same key, so LINE delivers it once and answers the repeat with 409.
 * @see https://developers.line.biz/en/docs/messaging-api/retrying-api-request/
 */
import { toHex } from "../../lib/encoding.ts";
import { sha256 } from "../../lib/hmac.ts";
import type { OutboundText } from "../types.ts";

/**
 * A UUID derived from the reply's idempotency key (our outbound message id), so its retries
 * share the key. Without one, from what identifies the reply: the thread, the text and the
 * inbound message it answers; the same text sent twice to that message then goes out once.
 */
export async function pushRetryKey({ text, context, idempotencyKey }: OutboundText): Promise<string> {
  const name = idempotencyKey
    ? `line-push\u0000${idempotencyKey}`
    : ["line-push", context.platformThreadId, String(context.lastInboundAt), context.replyToken?.token ?? "", text].join("\u0000");
  const bytes = (await sha256(name)).slice(0, 16);
  // Laid out as a version-4 UUID, the form LINE's examples use, although the bits come from a hash.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
