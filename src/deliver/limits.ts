/** Size limits on what leaves the gateway and on what it keeps of a subscriber's answer. Pure. */
import { utf8 } from "../lib/encoding.ts";

/** The largest event body delivered (256 KiB, UTF-8 bytes); larger events are recorded as failed, never sent. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** How much of a subscriber's response body an attempt keeps. */
export const MAX_RESPONSE_BODY_BYTES = 1024;

/** Why an event body is too large to deliver, or null when it fits. */
export function oversizeReason(payload: string): string | null {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most bodies are cleared without encoding.
  if (payload.length * 3 <= MAX_EVENT_BYTES) return null;
  const bytes = utf8(payload).length;
  return bytes > MAX_EVENT_BYTES ? `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (256 KiB)` : null;
}

/** The first MAX_RESPONSE_BODY_BYTES of a body as text, never splitting a character. */
export function truncateResponseBody(bytes: Uint8Array): string {
  // A streaming decode holds back an incomplete trailing sequence instead of emitting U+FFFD.
  return new TextDecoder().decode(bytes.subarray(0, MAX_RESPONSE_BODY_BYTES), { stream: true });
}
